package dev.uploadkit.example.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot web application with Uploadkit: the {@code upload-spring-autoconfigure} dependency mounts the REST
 * API at {@code /v1/external/*} on Boot's Tomcat, over an embedded H2 database and files under {@code ./data}
 * (see {@code application.properties}). No code is needed; inject {@code UploadService} or {@code AccessService}
 * to use them from the application's own beans.
 */
@SpringBootApplication
public class UploadkitBootApplication {

    public static void main(String[] args) {
        SpringApplication.run(UploadkitBootApplication.class, args);
    }
}
