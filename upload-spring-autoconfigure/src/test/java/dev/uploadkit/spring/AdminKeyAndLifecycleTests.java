package dev.uploadkit.spring;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.AdminBootstrap;
import dev.uploadkit.core.auth.Principal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class AdminKeyAndLifecycleTests {
    private static final Pattern ADMIN_LINE = Pattern.compile("Admin API key: (\\S+)");

    @TempDir
    Path tempDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues(
                        "upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"));
    }

    @Test
    void aKeyIsGeneratedAndLoggedOnceOnFirstStart(CapturedOutput output) {
        String[] key = new String[1];
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            List<String> printed = adminLines(output.toString());
            assertThat(printed).hasSize(1);
            key[0] = printed.get(0);
            Optional<Principal> admin = context.getBean(AccessService.class).authenticate(key[0]);
            assertThat(admin).hasValueSatisfying(p -> assertThat(p.admin()).isTrue());
            assertThat(context.getBean(AccessService.class).projects()).extracting(p -> p.name())
                    .containsExactly(AdminBootstrap.DEFAULT_PROJECT);
        });
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(adminLines(output.toString())).as("a restart on the same database prints nothing new")
                    .containsExactly(key[0]);
            assertThat(context.getBean(AccessService.class).authenticate(key[0])).isPresent();
        });
    }

    @Test
    void aConfiguredKeyIsInstalledAndNeverLogged(CapturedOutput output) {
        String key = "boot-admin-key-" + UUID.randomUUID();
        for (int start = 0; start < 2; start++) {
            runner().withPropertyValues("upload.admin-key=" + key).run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(AccessService.class).authenticate(key))
                        .hasValueSatisfying(p -> assertThat(p.admin()).isTrue());
                assertThat(context.getBean(AccessService.class).projects()).hasSize(1);
            });
        }
        assertThat(output.toString()).doesNotContain(key).doesNotContain("Admin API key:");
    }

    @Test
    void aBadAdminKeyFailsAtStartupWithoutShowingIt() {
        runner().withPropertyValues("upload.admin-key=short secret").run(context -> {
            assertThat(context).hasFailed();
            assertThat(causes(context.getStartupFailure())).anySatisfy(cause -> assertThat(cause)
                    .isInstanceOf(IllegalArgumentException.class).message().startsWith("upload.admin-key:")
                    .doesNotContain("short secret"));
        });
    }

    @Test
    void closingTheContextClosesTheServiceAndStopsTheBackgroundWork() throws Exception {
        UploadService[] uploads = new UploadService[1];
        List<Thread> background = new ArrayList<>();
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            uploads[0] = context.getBean(UploadService.class);
            Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("uploadkit-background")
                            || t.getName().startsWith("uploadkit-event-relay"))
                    .forEach(background::add);
            assertThat(background).as("the background work's threads run").isNotEmpty();
        });
        UUID project = UUID.randomUUID();
        assertThatThrownBy(() -> uploads[0].upload(UploadRequest.of(project, "late.txt"),
                new ByteArrayInputStream(new byte[] {1})))
                .isInstanceOfSatisfying(UploadException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        for (Thread thread : background) {
            thread.join(30_000);
            assertThat(thread.isAlive()).as(thread.getName() + " stopped with the context").isFalse();
        }
    }

    private static List<String> adminLines(String output) {
        List<String> keys = new ArrayList<>();
        Matcher m = ADMIN_LINE.matcher(output);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
