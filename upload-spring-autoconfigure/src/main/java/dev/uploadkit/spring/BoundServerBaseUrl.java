package dev.uploadkit.spring;

import org.springframework.core.env.Environment;

import java.util.function.Supplier;

/**
 * The API's absolute URL as the application's embedded web server is bound, for links made outside a request
 * (webhook payloads' {@code download_url}) when {@code upload.public-base-url} is not set, as the standalone server
 * makes its own: {@code http://localhost:<port><context path><servlet path>}, {@code https} with
 * {@code server.ssl.enabled}, the host {@code server.address} when it names one. It is read from the environment at
 * each call ({@code local.server.port} appears once the server is bound); without a bound server there is none.
 * Such a link reaches the API from this machine; set {@code upload.public-base-url} for links that work elsewhere.
 */
final class BoundServerBaseUrl implements Supplier<String> {
    private final Environment environment;
    private final String apiPath;

    /** @param servletPath the servlet's mapping, {@code /v1/external/*} */
    BoundServerBaseUrl(Environment environment, String servletPath) {
        this.environment = environment;
        this.apiPath = servletPath.substring(0, servletPath.length() - 2);
    }

    @Override
    public String get() {
        String port = environment.getProperty("local.server.port");
        if (port == null || port.isBlank()) {
            return null;
        }
        boolean https = environment.getProperty("server.ssl.enabled", Boolean.class, false);
        String context = environment.getProperty("server.servlet.context-path", "");
        if (context.endsWith("/")) {
            context = context.substring(0, context.length() - 1);
        }
        return (https ? "https" : "http") + "://" + host(environment.getProperty("server.address")) + ":" + port
                + context + apiPath;
    }

    private static String host(String address) {
        if (address == null || address.isBlank() || address.equals("0.0.0.0") || address.equals("::")
                || address.equals("0:0:0:0:0:0:0:0")) {
            return "localhost";
        }
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }
}
