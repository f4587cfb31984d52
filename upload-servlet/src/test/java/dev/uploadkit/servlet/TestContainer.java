package dev.uploadkit.servlet;

import jakarta.servlet.Servlet;

/**
 * The servlet container the HTTP tests run the servlet in, on 127.0.0.1 and a free port: embedded Jetty 12 unless
 * the system property {@value #PROPERTY} says {@code tomcat} (upload-servlet's pom runs the HTTP suite again that
 * way on Tomcat 10.1 and on Tomcat 11). Tests see only the port, so each runs unchanged in every container.
 */
interface TestContainer extends AutoCloseable {
    /** The system property naming the container: {@code jetty} (the default) or {@code tomcat}. */
    String PROPERTY = "uploadkit.test.container";

    /** Starts the configured container with {@code servlet} mapped at {@code mapping} (such as {@code /v1/external/*}). */
    static TestContainer start(Servlet servlet, String mapping) {
        String name = System.getProperty(PROPERTY, "jetty");
        try {
            return switch (name) {
                case "jetty" -> JettyTestContainer.start(servlet, mapping);
                case "tomcat" -> TomcatTestContainer.start(servlet, mapping);
                default -> throw new IllegalArgumentException(PROPERTY + ": '" + name + "' is not a container; "
                        + "use jetty or tomcat");
            };
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(name + " did not start", e);
        }
    }

    /** Returns the port the container listens on. */
    int port();

    /**
     * Returns true if the servlet writes the answer to a request whose body could not be read to its end (a client
     * that stops sending): Jetty lets it; Tomcat answers {@code 400} with its own page before the servlet can.
     */
    boolean servletAnswersBrokenBodies();

    /** Returns the container and its version, e.g. {@code Apache Tomcat/11.0.25}. */
    String serverInfo();

    /** Stops the container. */
    @Override
    void close() throws Exception;
}
