/**
 * Spring Boot auto-configuration for Uploadkit: {@link dev.uploadkit.spring.UploadkitAutoConfiguration} wires the
 * database, the file store, the services and the servlet from {@link dev.uploadkit.spring.UploadProperties}
 * ({@code upload.*}), and backs off wherever the application defines a bean of its own.
 *
 * <p>Works with Spring Boot 3.5 and 4.0; Spring Boot itself is an optional dependency the application brings.
 */
package dev.uploadkit.spring;
