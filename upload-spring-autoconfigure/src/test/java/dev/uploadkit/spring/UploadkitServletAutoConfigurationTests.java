package dev.uploadkit.spring;

import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.CreatedKey;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.servlet.UploadServlet;
import jakarta.servlet.http.HttpServlet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.web.MockHttpServletResponse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

class UploadkitServletAutoConfigurationTests {
    private static final String REGISTRATION = "uploadkitServletRegistration";

    @TempDir
    Path tempDir;

    private WebApplicationContextRunner runner() {
        return ServletCalls.webRunner(tempDir);
    }

    @Test
    void registersTheServletAtTheDefaultPath() {
        runner().run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ServletRegistrationBean.class);
            ServletRegistrationBean<?> registration = context.getBean(REGISTRATION, ServletRegistrationBean.class);
            assertThat(registration.getUrlMappings()).containsExactly("/v1/external/*");
            assertThat(registration.getServlet()).isInstanceOf(UploadServlet.class);
        });
    }

    @Test
    void registersTheServletAtTheConfiguredPath() {
        runner().withPropertyValues("upload.servlet-path=/api/files/*").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(REGISTRATION, ServletRegistrationBean.class).getUrlMappings())
                    .containsExactly("/api/files/*");
        });
    }

    @Test
    void theServletAnswersWithTheAutoConfiguredServices() {
        runner().withPropertyValues("upload.public-base-url=https://files.example.com/v1/external",
                "upload.signing-key=" + "k".repeat(32)).run(context -> {
            assertThat(context).hasNotFailed();
            AccessService access = context.getBean(AccessService.class);
            Project project = access.createProject("web", "pro");
            CreatedKey key = access.createKey(project.id(), "reader", EnumSet.of(Permission.FILES_READ), false);
            Upload upload = context.getBean(UploadService.class).upload(UploadRequest.of(project.id(), "a.txt"),
                    new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));

            MockHttpServletResponse anonymous = get(context, "/files/" + upload.uuid(), null);
            assertThat(anonymous.getStatus()).isEqualTo(401);

            MockHttpServletResponse found = get(context, "/files/" + upload.uuid(), key.plaintext());
            assertThat(found.getStatus()).isEqualTo(200);
            assertThat(found.getContentAsString())
                    .contains(upload.uuid().toString())
                    .contains("\"download_url\":\"https://files.example.com/v1/external/files/" + upload.uuid()
                            + "/download?token=");
        });
    }

    /**
     * Without {@code upload.public-base-url}, a payload's link is made under the web server's own address once it is
     * bound ({@code local.server.port}, as Boot publishes it), as the standalone server makes its own; it works.
     */
    @Test
    void webhookLinksWithoutAPublicBaseUrlUseTheBoundServersAddress() {
        runner().withPropertyValues("server.servlet.context-path=/app").run(context -> {
            assertThat(context).hasNotFailed();
            String key = ServletCalls.key(context, "pro", Permission.FILES_READ);
            Upload upload = context.getBean(UploadService.class).upload(UploadRequest.of(
                            context.getBean(AccessService.class).authenticate(key).orElseThrow().projectId(), "c.txt"),
                    new ByteArrayInputStream("linked".getBytes(StandardCharsets.UTF_8)));
            dev.uploadkit.core.webhook.DownloadLinks links =
                    context.getBean(dev.uploadkit.core.webhook.DownloadLinks.class);
            assertThat(links.downloadUrl(upload)).as("no server bound yet").isNull();

            org.springframework.test.context.support.TestPropertySourceUtils.addInlinedPropertiesToEnvironment(
                    context, "local.server.port=18999");
            String url = links.downloadUrl(upload);
            assertThat(url).startsWith("http://localhost:18999/app/v1/external/files/" + upload.uuid()
                    + "/download?token=");
            MockHttpServletResponse file = get(context, url.substring(url.indexOf("/v1/external") + 12), null);
            assertThat(file.getStatus()).isEqualTo(200);
            assertThat(file.getContentAsString()).isEqualTo("linked");
        });
    }

    @Test
    void withoutASigningKeyLinksAreSignedWithTheKeyKeptInTheDatabaseAndOutliveARestart() {
        String[] link = new String[1];
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            String key = ServletCalls.key(context, "pro", Permission.FILES_READ);
            Upload upload = context.getBean(UploadService.class).upload(UploadRequest.of(
                            context.getBean(AccessService.class).authenticate(key).orElseThrow().projectId(), "b.txt"),
                    new ByteArrayInputStream("kept key".getBytes(StandardCharsets.UTF_8)));
            String body = get(context, "/files/" + upload.uuid(), key).getContentAsString();
            link[0] = body.replaceAll("(?s).*\"download_url\":\"[^\"]*?/v1/external([^\"]+)\".*", "$1");
            assertThat(link[0]).startsWith("/files/" + upload.uuid() + "/download?token=");
        });
        // A second application context on the same database: another start, or another instance.
        runner().run(context -> {
            MockHttpServletResponse file = get(context, link[0], null);
            assertThat(file.getStatus()).isEqualTo(200);
            assertThat(file.getContentAsString()).isEqualTo("kept key");
        });
    }

    @Test
    void backsOffFromAnApplicationsUploadServletRegistration() {
        runner().withUserConfiguration(OwnUploadServlet.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ServletRegistrationBean.class)
                    .doesNotHaveBean(REGISTRATION);
            assertThat(context.getBean(ServletRegistrationBean.class).getUrlMappings())
                    .containsExactly("/mine/*");
        });
    }

    @Test
    void backsOffFromAnApplicationsUploadServletBean() {
        runner().withUserConfiguration(OwnUploadServletBean.class).run(context ->
                assertThat(context).hasNotFailed().hasSingleBean(UploadServlet.class).doesNotHaveBean(REGISTRATION));
    }

    @Test
    void anUnrelatedServletRegistrationDoesNotBackOff() {
        runner().withUserConfiguration(OtherServlet.class).run(context -> {
            assertThat(context).hasNotFailed().hasBean(REGISTRATION).hasBean("otherServlet");
            assertThat(context.getBeansOfType(ServletRegistrationBean.class)).hasSize(2);
        });
    }

    @Test
    void disabledRegistersNoServlet() {
        runner().withPropertyValues("upload.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ServletRegistrationBean.class));
    }

    private static MockHttpServletResponse get(AssertableWebApplicationContext context, String path, String apiKey)
            throws Exception {
        return ServletCalls.call(context, "GET", path, apiKey, null);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnUploadServlet {
        @Bean
        ServletRegistrationBean<UploadServlet> ownUploadServlet(UploadService uploads, AccessService access) {
            return new ServletRegistrationBean<>(
                    UploadServlet.builder().uploadService(uploads).accessService(access).build(), "/mine/*");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnUploadServletBean {
        @Bean
        UploadServlet ownUploadServlet(UploadService uploads, AccessService access) {
            return UploadServlet.builder().uploadService(uploads).accessService(access).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OtherServlet {
        @Bean
        ServletRegistrationBean<HttpServlet> otherServlet() {
            return new ServletRegistrationBean<>(new HttpServlet() {
            }, "/other/*");
        }
    }
}
