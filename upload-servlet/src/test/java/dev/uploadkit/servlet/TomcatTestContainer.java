package dev.uploadkit.servlet;

import jakarta.servlet.Servlet;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Embedded Tomcat (10.1 or 11, whichever is on the classpath) for {@link TestContainer}. */
final class TomcatTestContainer implements TestContainer {
    // Held so the level sticks: Tomcat's INFO lines and its thread-leak WARNINGs (the upload service's read-ahead
    // pool belongs to the test, not the web application) would drown the suite's own output.
    private static final java.util.logging.Logger TOMCAT_LOG = java.util.logging.Logger.getLogger("org.apache");

    static {
        TOMCAT_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    private final Tomcat tomcat;
    private final Connector connector;
    private final Path baseDir;

    private TomcatTestContainer(Tomcat tomcat, Connector connector, Path baseDir) {
        this.tomcat = tomcat;
        this.connector = connector;
        this.baseDir = baseDir;
    }

    static TomcatTestContainer start(Servlet servlet, String mapping) throws Exception {
        Path baseDir = Files.createTempDirectory("uploadkit-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", Files.createDirectories(baseDir.resolve("docs")).toString());
        Tomcat.addServlet(context, "uploadkit", servlet);
        context.addServletMappingDecoded(mapping, "uploadkit");
        tomcat.start();
        return new TomcatTestContainer(tomcat, connector, baseDir);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean servletAnswersBrokenBodies() {
        return false;
    }

    @Override
    public String serverInfo() {
        return ServerInfo.getServerInfo();
    }

    @Override
    public void close() throws LifecycleException {
        try {
            tomcat.stop();
            tomcat.destroy();
        } finally {
            try (Stream<Path> files = Files.walk(baseDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(TomcatTestContainer::delete);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
