package dev.uploadkit.servlet;

import jakarta.servlet.Servlet;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (EE10) for {@link TestContainer}. */
final class JettyTestContainer implements TestContainer {
    private final Server jetty;
    private final ServerConnector connector;

    private JettyTestContainer(Server jetty, ServerConnector connector) {
        this.jetty = jetty;
        this.connector = connector;
    }

    static JettyTestContainer start(Servlet servlet, String mapping) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addServlet(new ServletHolder(servlet), mapping);
        jetty.setHandler(context);
        jetty.start();
        return new JettyTestContainer(jetty, connector);
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean servletAnswersBrokenBodies() {
        return true;
    }

    @Override
    public String serverInfo() {
        return "Jetty/" + Server.getVersion();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
    }
}
