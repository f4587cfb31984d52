package dev.uploadkit.spring;

import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.webhook.CreatedWebhook;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.jdbc.UploadkitDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code upload.secrets.master-key} seals webhook signing secrets at rest; without it they stay plaintext, and the
 * first start with it seals what was written before.
 */
class WebhookSecretsTests {
    @TempDir
    Path tempDir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(UploadkitAutoConfiguration.class))
                .withPropertyValues("upload.background-work=false",
                        "upload.store.path=" + tempDir.resolve("files"),
                        "upload.database.url=jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit"));
    }

    @Test
    void aMasterKeySealsNewSecretsAndThoseWrittenBeforeItAtStartup() {
        List<String> plaintext = new ArrayList<>();
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            Project project = context.getBean(AccessService.class).createProject("hooks", "free");
            CreatedWebhook created = context.getBean(WebhookService.class).create(project.id(),
                    "https://93.184.215.14/hook", Set.of(EventType.UPLOAD_COMPLETED), true);
            plaintext.add(created.secret());
            assertThat(storedSecrets(context.getBean(UploadkitDatabase.class))).containsExactly(created.secret());
        });
        String key = SecretBox.generateKey();
        runner().withPropertyValues("upload.secrets.master-key=" + key).run(context -> {
            assertThat(context).hasNotFailed();
            List<String> stored = storedSecrets(context.getBean(UploadkitDatabase.class));
            assertThat(stored).hasSize(1);
            assertThat(stored.get(0)).startsWith("uk1." + SecretBox.parse(key, null).primaryKeyId() + ".")
                    .doesNotContain(plaintext.get(0).substring("whsec_".length()));

            Project project = context.getBean(AccessService.class).createProject("more", "free");
            CreatedWebhook created = context.getBean(WebhookService.class).create(project.id(),
                    "https://93.184.215.14/hook", Set.of(EventType.UPLOAD_DELETED), true);
            assertThat(storedSecrets(context.getBean(UploadkitDatabase.class))).hasSize(2)
                    .allSatisfy(s -> assertThat(s).startsWith("uk1.")).doesNotContain(created.secret());
        });
    }

    @Test
    void aMalformedMasterKeyStopsStartupNamingThePropertyNotTheValue() {
        runner().withPropertyValues("upload.secrets.master-key=not-a-key-at-all").run(context -> {
            assertThat(context).hasFailed();
            List<String> messages = new ArrayList<>();
            for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
                messages.add(String.valueOf(t.getMessage()));
            }
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("upload.secrets.master-key:"));
            assertThat(messages).noneSatisfy(m -> assertThat(m).contains("not-a-key-at-all"));
        });
    }

    private static List<String> storedSecrets(UploadkitDatabase database) throws Exception {
        List<String> secrets = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT secret FROM webhooks ORDER BY created_at")) {
            while (rs.next()) {
                secrets.add(rs.getString(1));
            }
        }
        return secrets;
    }
}
