package dev.uploadkit.spring;

import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;

/** Requests to the auto-configured servlet of a test context, without a web server, and keys to send with them. */
final class ServletCalls {
    private ServletCalls() {
    }

    /** A web context of the auto-configuration alone, on an H2 file database and a store folder under {@code dir}. */
    static WebApplicationContextRunner webRunner(Path dir) {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues(
                        "upload.store.path=" + dir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + dir.resolve("db").resolve("uploadkit"));
    }

    /**
     * Sends {@code method path} (relative to {@code /v1/external}, with an optional query string) to the servlet the
     * auto-configuration registered, with {@code apiKey} if not null and {@code json} as the body if not null.
     */
    static MockHttpServletResponse call(AssertableWebApplicationContext context, String method, String path,
                                        String apiKey, String json) throws Exception {
        ServletRegistrationBean<?> registration = context.getBean("uploadkitServletRegistration",
                ServletRegistrationBean.class);
        String[] pathAndQuery = path.split("\\?", 2);
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/v1/external" + pathAndQuery[0]);
        request.setServletPath("/v1/external");
        request.setPathInfo(pathAndQuery[0]);
        request.setRemoteAddr("127.0.0.1");
        if (pathAndQuery.length == 2) {
            request.setQueryString(pathAndQuery[1]);
            for (String pair : pathAndQuery[1].split("&")) {
                String[] nameValue = pair.split("=", 2);
                request.addParameter(nameValue[0], nameValue.length == 2 ? nameValue[1] : "");
            }
        }
        if (apiKey != null) {
            request.addHeader("X-API-Key", apiKey);
        }
        if (json != null) {
            request.setContentType("application/json");
            request.setContent(json.getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        registration.getServlet().service(request, response);
        return response;
    }

    /** Creates a project on {@code plan} and returns a new key of it with {@code permissions}. */
    static String key(AssertableWebApplicationContext context, String plan, Permission... permissions) {
        AccessService access = context.getBean(AccessService.class);
        Project project = access.createProject("p-" + plan, plan);
        EnumSet<Permission> granted = EnumSet.noneOf(Permission.class);
        granted.addAll(List.of(permissions));
        return access.createKey(project.id(), "k", granted, false).plaintext();
    }
}
