package dev.uploadkit.spring;

import java.nio.charset.StandardCharsets;
import dev.uploadkit.servlet.SignedDownloadLinks;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.UploadServiceBuilder;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.limits.RateLimiter;
import dev.uploadkit.core.limits.RequestLimits;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.usage.RequestLogWriter;
import dev.uploadkit.core.auth.AdminBootstrap;
import dev.uploadkit.core.event.WebhookSink;
import dev.uploadkit.core.jobs.BackgroundWork;
import dev.uploadkit.core.jobs.QueueDepth;
import dev.uploadkit.core.webhook.DeliveryListener;
import dev.uploadkit.core.webhook.DownloadLinks;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.jdbc.UploadkitDatabase;
import dev.uploadkit.servlet.RequestObserver;
import dev.uploadkit.servlet.UploadServlet;
import jakarta.servlet.Servlet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Auto-configuration of Uploadkit from {@link UploadProperties} ({@code upload.*}).
 *
 * <p>Defines, each only when the application has no bean of that type:
 * <ul>
 *   <li>an {@link UploadkitDatabase} on the application's {@link DataSource} when there is one (its default schema
 *       is migrated; the data source stays the application's to close), otherwise on a pool of its own to
 *       {@code upload.database.url} (embedded H2 under {@code ./data/db} by default), closed on shutdown;</li>
 *   <li>a {@link FileStore} of {@code upload.store.type}: {@code filesystem} (default, under
 *       {@code upload.store.path}), {@code transient} or {@code s3};</li>
 *   <li>an {@link UploadService} on those two, sending events to the application's {@link WebhookSink} if any, with
 *       storage connections ({@link StorageProperties}, secrets sealed under {@code upload.secrets.master-key}) and
 *       URL imports reaching what {@code upload.outbound-allow} allows;</li>
 *   <li>an {@link AccessService} for projects and API keys on the plans of {@code upload.limits.plans}, and a first
 *       admin key: {@code upload.admin-key} installed, or, on first start without it, one generated and logged once
 *       ({@link AdminBootstrap});</li>
 *   <li>a {@link RateLimiter} on the database, unless {@code upload.limits.enabled} is {@code false}, and a
 *       {@link RequestLogWriter} for {@code GET logs} and {@code GET usage}, unless {@code upload.logs.enabled} is
 *       {@code false}; the servlet applies and feeds them, the background work purges what they keep;</li>
 *   <li>the {@link BackgroundWork} of that service (heartbeats, crash sweeps, purging trash older than
 *       {@code upload.trash-retention}), started with the context and closed before the service, unless
 *       {@code upload.background-work} is {@code false};</li>
 *   <li>in a servlet web application, a {@link ServletRegistrationBean} mounting the {@link UploadServlet} at
 *       {@code upload.servlet-path}, telling every {@link RequestObserver} bean about each request, unless the
 *       application registers an {@code UploadServlet} itself; its download links are signed with
 *       {@code upload.signing-key}, else with a key kept in the database and shared by every instance on it;</li>
 *   <li>with Micrometer, meters {@code uploadkit.*} bound to the application's registry (requests, webhook
 *       deliveries, queue depths); every {@link DeliveryListener} bean is told about each delivery attempt;</li>
 *   <li>with Actuator (Boot 3.5's {@code spring-boot-actuator} or Boot 4's {@code spring-boot-health}), a health
 *       indicator {@code uploadkit}: down, with a reason and no secret, when the catalog or the store is
 *       unreachable.</li>
 * </ul>
 *
 * <p>Nothing is defined when {@code upload.enabled} is {@code false}. Invalid properties stop the application at
 * startup with a message naming the property.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration", // Spring Boot 3
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"}) // Spring Boot 4
@ConditionalOnClass(UploadService.class)
@ConditionalOnProperty(prefix = "upload", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties({UploadProperties.class, DatabaseProperties.class, SecretsProperties.class,
        LimitsProperties.class, LogsProperties.class, StorageProperties.class, ImportsProperties.class})
public final class UploadkitAutoConfiguration {
    /** The id of the store {@code upload.store.type=filesystem} makes; uploads record it as their storage id. */
    public static final String FILESYSTEM_STORE_ID = "local";
    /** The id of the store {@code upload.store.type=transient} makes. */
    public static final String TRANSIENT_STORE_ID = "transient";
    /** The id of the store {@code upload.store.type=s3} makes. */
    public static final String S3_STORE_ID = "s3";

    private static final Logger LOG = LoggerFactory.getLogger(UploadkitAutoConfiguration.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration JOB_POLLING = Duration.ofSeconds(10);
    /** How long a reading of the queue depths serves metric scrapes before the database is asked again. */
    private static final Duration QUEUE_DEPTH_MAX_AGE = Duration.ofSeconds(5);

    UploadkitAutoConfiguration() {
    }

    // close() closes the pool only if this instance opened it; a host DataSource is left to its owner.
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    // Takes the other upload.* properties too, unused here, so that a bad setting fails binding before a database
    // opens.
    UploadkitDatabase uploadkitDatabase(UploadProperties properties, LimitsProperties limits, LogsProperties logs,
                                        StorageProperties storage, ImportsProperties imports,
                                        DatabaseProperties database,
                                        ObjectProvider<DataSource> dataSource) {
        DataSource host = dataSource.getIfAvailable();
        if (host != null) {
            if (database.getUrl() != null) {
                LOG.warn("upload.database.url is ignored: Uploadkit uses the application's DataSource");
            }
            return UploadkitDatabase.create(host);
        }
        return UploadkitDatabase.connect(database.determineUrl(), database.determineUsername(),
                database.getPassword());
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    FileStore uploadkitFileStore(UploadProperties properties) {
        UploadProperties.Store store = properties.getStore();
        return switch (store.storeType()) {
            case FILESYSTEM -> JcloudsFileStore.filesystem(FILESYSTEM_STORE_ID, Path.of(store.getPath()));
            case TRANSIENT -> JcloudsFileStore.inMemory(TRANSIENT_STORE_ID);
            case S3 -> JcloudsFileStore.s3(S3_STORE_ID, store.getS3().toSettings());
        };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    UploadService uploadkitUploadService(UploadProperties properties, SecretsProperties secrets,
                                         StorageProperties storage, ImportsProperties imports,
                                         UploadkitDatabase database, FileStore store, DownloadLinks links,
                                         ObjectProvider<WebhookSink> webhookSink) {
        UploadServiceBuilder builder = UploadService.builder().downloadLinks(links);
        // One outbound rule for webhooks, URL imports and storage connections' endpoints, as in the standalone server.
        OutboundPolicy outbound = properties.outboundPolicy();
        return builder
                .outboundPolicy(outbound).importTimeout(imports.getTimeout())
                .storageSettings(StorageSettings.defaults().withSecrets(secrets.box()).withOutbound(outbound)
                        .withFilesystemRoots(storage.getRoots()).withTransient(storage.isAllowTransient()))
                .catalog(database.catalog())
                .backgroundCatalog(database.backgroundCatalog())
                .interruptedAfter(properties.getInterruptedAfter())
                .store(store)
                .maxFileSize(DataSize.ofBytes(properties.getMaxFileSize().toBytes()))
                .allowedTypes(properties.getAllowedTypes())
                .webhookSink(webhookSink.getIfAvailable(() -> WebhookSink.NONE))
                .lookupCacheTtl(properties.getLookupCacheTtl())
                .build();
    }

    /**
     * The API's download links in webhook payloads (made outside a request), signed with the servlet's key: under
     * {@code upload.public-base-url}, else under the embedded web server's own address once it is bound.
     */
    @Bean
    @ConditionalOnMissingBean
    DownloadLinks uploadkitDownloadLinks(UploadProperties properties, UploadkitDatabase database,
                                         Environment environment) {
        String base = properties.getPublicBaseUrl();
        return new SignedDownloadLinks(signingKey(properties, database), properties.getDownloadTokenTtl(),
                base != null ? () -> base : new BoundServerBaseUrl(environment, properties.getServletPath()));
    }

    // Plaintext secrets (rows from before sealing, or written without a master key) are sealed at startup.
    @Bean
    @ConditionalOnMissingBean
    WebhookService uploadkitWebhookService(UploadProperties properties, SecretsProperties secrets,
                                           UploadkitDatabase database, ObjectProvider<DeliveryListener> listeners) {
        WebhookService.Builder builder = WebhookService.builder().catalog(database.catalog())
                .backgroundCatalog(database.backgroundCatalog())
                .policy(properties.outboundPolicy());
        if (!properties.getWebhookRetryDelays().isEmpty()) {
            builder.retryDelays(properties.getWebhookRetryDelays());
        }
        listeners.orderedStream().reduce(DeliveryListener::andThen).ifPresent(builder::listener);
        SecretBox box = secrets.box();
        if (box == null) {
            LOG.warn("upload.secrets.master-key is not set: webhook signing secrets are kept in plaintext in the "
                    + "database; set it (openssl rand -base64 32) to seal them");
            return builder.build();
        }
        WebhookService webhooks = builder.secrets(box).build();
        int sealed = webhooks.sealSecrets();
        if (sealed > 0) {
            LOG.info("Sealed {} webhook signing secrets under the current master key", sealed);
        }
        return webhooks;
    }

    // Started when created, closed before the service and the database it uses (Spring destroys dependents first).
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "upload", name = "background-work", havingValue = "true", matchIfMissing = true)
    BackgroundWork uploadkitBackgroundWork(UploadProperties properties, LogsProperties logs, ImportsProperties imports,
                                           UploadService uploads,
                                           UploadkitDatabase database, WebhookService webhooks,
                                           ObjectProvider<RequestLogWriter> requestLog,
                                           ObjectProvider<RateLimiter> limiter) {
        BackgroundWork.Builder work = BackgroundWork.builder();
        requestLog.ifAvailable(writer -> work.job(writer.purgeJob(logs.getRetention(), properties.getJobInterval()))
                .onImportEnded(writer::imported));
        limiter.ifAvailable(l -> work.job(l.purgeJob(properties.getJobInterval())));
        // The same cadence as the standalone server: polls and heartbeats at least as often as the settings need.
        return work.uploadService(uploads).webhooks(webhooks)
                .jobRunner(database.jobRunner(uploads.instanceId(), min(JOB_POLLING, properties.getJobInterval())))
                .heartbeatInterval(min(HEARTBEAT, properties.getInterruptedAfter().dividedBy(6)))
                .jobInterval(properties.getJobInterval())
                .gracePeriod(properties.getSweepGrace())
                .trashRetention(properties.getTrashRetention())
                .unstoredTtl(properties.getUnstoredTtl())
                .importConcurrency(imports.getConcurrency())
                .build();
    }

    @Bean
    @ConditionalOnMissingBean
    AccessService uploadkitAccessService(UploadProperties properties, LimitsProperties limits,
                                         UploadkitDatabase database) {
        return AccessService.create(database.projects(), limits.toPlans(), properties.getLookupCacheTtl());
    }

    // Counts each project's requests on the database, so limits hold across every instance on it.
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "upload.limits", name = "enabled", havingValue = "true", matchIfMissing = true)
    RateLimiter uploadkitRateLimiter(UploadkitDatabase database) {
        return database.rateLimiter();
    }

    // Started when created; closed (flushing what it holds) after the servlet and the background work that feed it.
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "upload.logs", name = "enabled", havingValue = "true", matchIfMissing = true)
    RequestLogWriter uploadkitRequestLog(UploadkitDatabase database, UploadService uploads) {
        return RequestLogWriter.builder().store(database.requestLog()).storageProbe(uploads::dedupStats).build();
    }

    // Runs once every singleton exists, before the web server takes requests.
    @Bean
    AdminKeyBootstrap uploadkitAdminKeyBootstrap(UploadProperties properties, AccessService access) {
        return new AdminKeyBootstrap(access, properties.getAdminKey());
    }

    private static UploadkitHealth health(UploadProperties properties, DatabaseProperties connection,
                                          UploadkitDatabase database, FileStore store) {
        UploadProperties.S3 s3 = properties.getStore().getS3();
        List<String> secrets = Arrays.asList(properties.getSigningKey(), properties.getAdminKey(),
                connection.getPassword(), s3.getSecretKey(), s3.getAccessKey());
        return new UploadkitHealth(database.dataSource(), store, secrets);
    }

    /**
     * The key download links are signed with: {@code upload.signing-key}, else the one kept in Uploadkit's database,
     * made by the first instance that needed it and shared by every instance on that database.
     */
    private static byte[] signingKey(UploadProperties properties, UploadkitDatabase database) {
        if (properties.getSigningKey() != null) {
            return properties.getSigningKey().getBytes(StandardCharsets.UTF_8);
        }
        return SignedDownloadLinks.decodeKey(database.sharedSecret(SignedDownloadLinks.KEPT_KEY_NAME,
                SignedDownloadLinks::newKey));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Health under Spring Boot 3 Actuator; {@code management.health.uploadkit.enabled=false} turns it off. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    @ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.uploadkit", name = "enabled", matchIfMissing = true)
    static class Boot3HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "uploadkitHealthIndicator")
        UploadkitHealthIndicator uploadkitHealthIndicator(UploadProperties properties, DatabaseProperties connection,
                                                          UploadkitDatabase database, FileStore store) {
            return new UploadkitHealthIndicator(health(properties, connection, database, store));
        }
    }

    /** Health under Spring Boot 4 ({@code spring-boot-health}); the same switch turns it off. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnProperty(prefix = "management.health.uploadkit", name = "enabled", matchIfMissing = true)
    static class Boot4HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "uploadkitHealthIndicator")
        UploadkitBoot4HealthIndicator uploadkitHealthIndicator(UploadProperties properties,
                                                               DatabaseProperties connection,
                                                               UploadkitDatabase database, FileStore store) {
            return new UploadkitBoot4HealthIndicator(health(properties, connection, database, store));
        }
    }

    /** Micrometer meters, bound by Boot to the application's registry when it has one (Actuator brings it). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
    static class MetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        UploadkitMetrics uploadkitMetrics(UploadkitDatabase database) {
            return new UploadkitMetrics(QueueDepth.of(database.catalog(), QUEUE_DEPTH_MAX_AGE));
        }
    }

    /** Mounts the REST API; only in a servlet web application, so other applications still get the services. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({Servlet.class, ServletRegistrationBean.class})
    static class ServletConfiguration {

        @Bean
        @ConditionalOnMissingBean(value = UploadServlet.class, parameterizedContainer = ServletRegistrationBean.class)
        ServletRegistrationBean<UploadServlet> uploadkitServletRegistration(UploadProperties properties,
                                                                            UploadService uploadService,
                                                                            AccessService accessService,
                                                                            WebhookService webhookService,
                                                                            UploadkitDatabase database,
                                                                            LogsProperties logs,
                                                                            ObjectProvider<RateLimiter> limiter,
                                                                            ObjectProvider<RequestLogWriter> requestLog,
                                                                            ObjectProvider<RequestObserver> observers) {
            UploadServlet.Builder servlet = UploadServlet.builder()
                    .uploadService(uploadService)
                    .accessService(accessService)
                    .webhookService(webhookService)
                    .downloadTokenTtl(properties.getDownloadTokenTtl());
            observers.orderedStream().reduce(RequestObserver::andThen).ifPresent(servlet::observer);
            servlet.signingKey(signingKey(properties, database));
            limiter.ifAvailable(l -> servlet.limits(RequestLimits.create(l, accessService)));
            requestLog.ifAvailable(writer -> servlet.requestLog(writer).trustedProxies(logs.getTrustedProxies()));
            if (properties.getPublicBaseUrl() != null) {
                servlet.publicBaseUrl(properties.getPublicBaseUrl());
            }
            ServletRegistrationBean<UploadServlet> registration =
                    new ServletRegistrationBean<>(servlet.build(), properties.getServletPath());
            registration.setName("uploadkit");
            return registration;
        }
    }
}
