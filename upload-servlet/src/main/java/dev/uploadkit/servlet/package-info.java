/**
 * The Uploadkit REST API as a drop-in Jakarta Servlet 6.
 *
 * <p>{@link dev.uploadkit.servlet.UploadServlet} is the entry point; {@link dev.uploadkit.servlet.Authenticator}
 * lets a host map its own users to a project and permissions; {@link dev.uploadkit.servlet.ServletComponents}
 * wires the services when a container creates the servlet from {@code web.xml}.
 */
package dev.uploadkit.servlet;
