package dev.uploadkit.spring;

import com.zaxxer.hikari.HikariDataSource;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class UploadkitAutoConfigurationTests {
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
    void backgroundWorkStartsWithTheContextUnlessTurnedOff() {
        runner().withPropertyValues("upload.trash-retention=7d").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(BackgroundWork.class);
            assertThat(context.getBean(UploadProperties.class).getTrashRetention()).isEqualTo(Duration.ofDays(7));
            UploadkitDatabase database = context.getBean(UploadkitDatabase.class);
            try (Connection c = database.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM instances")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the instance's first heartbeat").isEqualTo(1);
            }
        });
        runner().withPropertyValues("upload.background-work=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(BackgroundWork.class));
        runner().withPropertyValues("upload.trash-retention=0s")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void defaultsCreateEveryBeanOnAnOwnH2PoolAndTheFilesystem() {
        UploadkitDatabase[] database = new UploadkitDatabase[1];
        runner().run(context -> {
            assertThat(context).hasNotFailed()
                    .hasSingleBean(UploadProperties.class)
                    .hasSingleBean(UploadkitDatabase.class)
                    .hasSingleBean(FileStore.class)
                    .hasSingleBean(UploadService.class)
                    .hasSingleBean(AccessService.class)
                    .doesNotHaveBean(ServletRegistrationBean.class);
            database[0] = context.getBean(UploadkitDatabase.class);
            assertThat(database[0].dataSource()).isInstanceOf(HikariDataSource.class);
            assertThat(((HikariDataSource) database[0].dataSource()).getJdbcUrl())
                    .isEqualTo("jdbc:h2:file:" + tempDir.resolve("db").resolve("uploadkit") + ";QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE");
            assertThat(context.getBean(FileStore.class).id()).isEqualTo(UploadkitAutoConfiguration.FILESYSTEM_STORE_ID);
            UploadService uploads = context.getBean(UploadService.class);
            assertThat(uploads.maxFileSize()).isEqualTo(DataSize.ofGibibytes(5));

            Upload upload = uploadHello(context);
            assertThat(upload.sizeBytes()).isEqualTo(5);
            assertThat(tempDir.resolve("files").resolve(JcloudsFileStore.DEFAULT_CONTAINER)
                    .resolve(upload.objectKey())).hasContent("hello");
        });
        assertThat(((HikariDataSource) database[0].dataSource()).isClosed())
                .as("the pool Uploadkit opened is closed with the context").isTrue();
    }

    @Test
    void usesTheApplicationsDataSourceAndLeavesItOpen() throws Exception {
        try (HikariDataSource host = new HikariDataSource()) {
            host.setJdbcUrl("jdbc:h2:mem:host-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
            host.setUsername("sa");
            // No destroy method: the test, not the context, owns the host pool, so only Uploadkit could close it.
            runner().withBean(DataSource.class, () -> host, definition -> definition.setDestroyMethodName(""))
                    .run(context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(UploadkitDatabase.class).dataSource()).isSameAs(host);
                Upload upload = uploadHello(context);

                try (Connection connection = host.getConnection();
                     PreparedStatement query = connection.prepareStatement("SELECT filename FROM uploads WHERE uuid = ?")) {
                    query.setObject(1, upload.uuid());
                    try (ResultSet rows = query.executeQuery()) {
                        assertThat(rows.next()).as("the upload's row is in the application's database").isTrue();
                        assertThat(rows.getString(1)).isEqualTo("hello.txt");
                    }
                }
            });
            assertThat(host.isClosed()).as("the application's DataSource stays open").isFalse();
            assertThat(tempDir.resolve("db")).as("no own database is opened").doesNotExist();
        }
    }

    @Test
    void backsOffFromAnApplicationFileStore() {
        runner().withUserConfiguration(OwnStore.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(FileStore.class);
            assertThat(context.getBean(FileStore.class).id()).isEqualTo("mine");
            assertThat(context.getBean(UploadService.class).defaultStoreId()).isEqualTo("mine");
        });
        assertThat(tempDir.resolve("files")).as("no filesystem store is opened").doesNotExist();
    }

    @Test
    void backsOffFromAnApplicationUploadService() {
        runner().withUserConfiguration(OwnUploadService.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(UploadService.class);
            assertThat(context.getBean(UploadService.class).maxFileSize()).isEqualTo(DataSize.ofMebibytes(1));
        });
    }

    @Test
    void backsOffFromAnApplicationDatabase() {
        runner().withUserConfiguration(OwnDatabase.class).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(UploadkitDatabase.class);
            assertThat(context.getBean(UploadkitDatabase.class)).isSameAs(context.getBean("ownDatabase"));
        });
        assertThat(tempDir.resolve("db")).doesNotExist();
    }

    @Test
    void sendsEventsToTheApplicationsWebhookSink() {
        RecordingSink sink = new RecordingSink();
        runner().withBean(WebhookSink.class, () -> sink).run(context -> {
            Upload upload = uploadHello(context);
            // The background work's relay delivers it from the outbox.
            assertThat(sink.first.await(30, TimeUnit.SECONDS)).isTrue();
            List<UploadEvent> events = sink.events;
            assertThat(events).extracting(UploadEvent::type).containsExactly(UploadEvent.COMPLETED);
            assertThat(events.get(0).upload().uuid()).isEqualTo(upload.uuid());
        });
    }

    @Test
    void appliesStoreAndLimitProperties() {
        runner().withPropertyValues("upload.store.type=TRANSIENT", "upload.max-file-size=10MB",
                "upload.allowed-types=text/plain,image/*").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(FileStore.class).id()).isEqualTo(UploadkitAutoConfiguration.TRANSIENT_STORE_ID);
            assertThat(context.getBean(UploadService.class).maxFileSize()).isEqualTo(DataSize.ofMebibytes(10));
            assertThat(context.getBean(UploadProperties.class).getAllowedTypes())
                    .containsExactly("text/plain", "image/*");
            assertThat(uploadHello(context).mimeType()).isEqualTo("text/plain");
        });
        assertThat(tempDir.resolve("files")).doesNotExist();
    }

    @Test
    void disabledDefinesNothing() {
        runner().withPropertyValues("upload.enabled=false").run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean(UploadProperties.class)
                    .doesNotHaveBean(UploadkitDatabase.class)
                    .doesNotHaveBean(FileStore.class)
                    .doesNotHaveBean(UploadService.class)
                    .doesNotHaveBean(AccessService.class);
        });
        assertThat(tempDir.resolve("db")).doesNotExist();
        assertThat(tempDir.resolve("files")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "upload.store.type=ftp                                     | upload.store.type",
            "upload.max-file-size=0                                    | upload.max-file-size",
            "upload.max-file-size=-1MB                                 | upload.max-file-size",
            "upload.servlet-path=/files                                | upload.servlet-path",
            "upload.signing-key=too-short                              | upload.signing-key",
            "upload.public-base-url=files.example.com                  | upload.public-base-url",
            "upload.allowed-types=pdf                                  | upload.allowed-types",
            "upload.database.url=postgres://db/uploads                 | upload.database.url",
            "upload.download-token-ttl=0s                              | upload.download-token-ttl",
            "upload.job-interval=2m                                    | upload.job-interval",
            "upload.interrupted-after=0s                               | upload.interrupted-after",
            "upload.lookup-cache-ttl=2m                                | upload.lookup-cache-ttl",
            "upload.limits.plans=broken                                | upload.limits.plans",
            "upload.logs.retention=0s                                  | upload.logs.retention",
            "upload.unstored-ttl=0s                                    | upload.unstored-ttl",
            "upload.webhook-retry-delays=30s,0s                        | upload.webhook-retry-delays",
            "upload.imports.timeout=0s                                 | upload.imports.timeout",
            "upload.imports.concurrency=0                              | upload.imports.concurrency",
            "upload.lookup-cache-ttl=-1s                               | upload.lookup-cache-ttl",
            "upload.logs.trusted-proxies=bogus                         | upload.logs.trusted-proxies",
    })
    void aBadPropertyFailsBindingAndNamesTheProperty(String setting, String property) {
        runner().withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            assertThat(causes(context.getStartupFailure())).anySatisfy(cause ->
                    assertThat(cause).isInstanceOf(ConfigurationPropertiesBindException.class));
            assertNamesProperty(context.getStartupFailure(), property);
        });
        assertThat(tempDir.resolve("db")).as("fails before opening the database").doesNotExist();
    }

    /** Spring Boot's report of a failed binding quotes the value: for a secret, the failure analysis does not. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "upload.admin-key=nearly-right-key-1234  | upload.admin-key        | nearly-right-key-1234",
            "upload.signing-key=short-signing-secret | upload.signing-key      | short-signing-secret",
            "upload.secrets.master-key=notbase64!!   | upload.secrets.master-key | notbase64!!",
    })
    void aRefusedSecretIsReportedWithoutItsValue(String setting, String property, String value) {
        runner().withPropertyValues(setting).run(context -> {
            assertThat(context).hasFailed();
            org.springframework.boot.diagnostics.FailureAnalysis analysis =
                    new SecretPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("analysed as a secret").isNotNull();
            assertThat(analysis.getDescription()).contains(property).doesNotContain(value);
            assertThat(analysis.getAction()).doesNotContain(value);
        });
        java.util.Properties factories = new java.util.Properties();
        try (java.io.InputStream in = SecretPropertyFailureAnalyzer.class.getResourceAsStream(
                "/META-INF/spring.factories")) {
            factories.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(factories.getProperty("org.springframework.boot.diagnostics.FailureAnalyzer"))
                .as("registered for Spring Boot's failure report").contains(SecretPropertyFailureAnalyzer.class.getName());
    }

    @Test
    void anS3StoreWithoutBucketFailsNamingTheProperty() {
        runner().withPropertyValues("upload.store.type=s3", "upload.store.s3.endpoint=http://127.0.0.1:9",
                "upload.store.s3.access-key=key", "upload.store.s3.secret-key=secret",
                "upload.store.s3.path-style=true").run(context -> {
            assertThat(context).hasFailed();
            assertNamesProperty(context.getStartupFailure(), "upload.store.s3.bucket");
        });
    }

    @Test
    void anInvalidS3SettingFailsNamingTheProperty() {
        runner().withPropertyValues("upload.store.type=s3", "upload.store.s3.endpoint=http://127.0.0.1:9",
                "upload.store.s3.bucket=uploads", "upload.store.s3.access-key=key",
                "upload.store.s3.secret-key=secret", "upload.store.s3.path-style=false").run(context -> {
            assertThat(context).hasFailed();
            assertNamesProperty(context.getStartupFailure(), "upload.store.s3.pathStyle");
        });
    }

    @Test
    void anApplicationWithSeveralDataSourcesAndNoPrimaryFails() {
        runner().withBean("one", DataSource.class, () -> h2("one"), bd -> bd.setDestroyMethodName("close"))
                .withBean("two", DataSource.class, () -> h2("two"), bd -> bd.setDestroyMethodName("close"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(causes(context.getStartupFailure())).anySatisfy(cause -> assertThat(cause)
                            .isInstanceOf(NoUniqueBeanDefinitionException.class));
                });
        assertThat(tempDir.resolve("db")).as("never falls back to an own database").doesNotExist();
    }

    static Upload uploadHello(AssertableApplicationContext context) {
        Project project = context.getBean(AccessService.class).createProject("test", "free");
        return context.getBean(UploadService.class).upload(UploadRequest.of(project.id(), "hello.txt"),
                new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
    }

    private static HikariDataSource h2(String name) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        dataSource.setUsername("sa");
        return dataSource;
    }

    /** The failure was caused by an IllegalArgumentException whose message starts with the property's name. */
    private static void assertNamesProperty(Throwable failure, String property) {
        assertThat(causes(failure)).anySatisfy(cause -> assertThat(cause)
                .isInstanceOf(IllegalArgumentException.class).message().startsWith(property + ":"));
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        @Bean
        FileStore ownStore() {
            return JcloudsFileStore.inMemory("mine");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnUploadService {
        @Bean
        UploadService ownUploadService(UploadkitDatabase database) {
            return UploadService.builder().catalog(database.catalog()).store(JcloudsFileStore.inMemory("own"))
                    .maxFileSize(DataSize.ofMebibytes(1)).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnDatabase {
        @Bean
        UploadkitDatabase ownDatabase() {
            return UploadkitDatabase.connect("jdbc:h2:mem:own-" + UUID.randomUUID(), "sa", "");
        }
    }

    static final class RecordingSink implements WebhookSink {
        final List<UploadEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch first = new CountDownLatch(1);

        @Override
        public void accept(UploadEvent event) {
            events.add(event);
            first.countDown();
        }
    }
}
