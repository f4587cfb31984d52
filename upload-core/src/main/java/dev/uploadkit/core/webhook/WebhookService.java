package dev.uploadkit.core.webhook;

import dev.uploadkit.core.Durations;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.Page;
import dev.uploadkit.core.PageRequest;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.catalog.Catalog;
import dev.uploadkit.core.catalog.WebhookRecords.Attempt;
import dev.uploadkit.core.catalog.WebhookRecords.DueDelivery;
import dev.uploadkit.core.catalog.WebhookRecords.StoredSecret;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.internal.webhook.RetrySchedule;
import dev.uploadkit.core.internal.webhook.WebhookDispatcher;
import dev.uploadkit.core.internal.webhook.WebhookPayloads;
import dev.uploadkit.core.internal.webhook.WebhookSecrets;
import dev.uploadkit.core.internal.webhook.WebhookSender;
import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundHttp;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * A project's webhooks (SPEC §4 "Webhooks"): subscriptions, their deliveries log, redelivery and test sends.
 * Deliveries themselves are written by the outbox relay ({@link dev.uploadkit.core.UploadService#deliverEvents})
 * and sent by the dispatcher of {@link #newDispatcher()}, which {@code BackgroundWork} runs.
 *
 * <p>Every URL obeys the outbound policy (SPEC §5): checked when a webhook is created or changed
 * ({@code VALIDATION_ERROR} on {@code url}), and again by every delivery, redirects included.
 *
 * <p>Signing secrets are kept sealed by the server's master key ({@link Builder#secrets}; AES-256-GCM, as storage
 * connections' secrets) and opened only to sign. Rows from before sealing, or written without a master key, hold
 * the plaintext; {@link #sealSecrets()} seals them (and re-seals those of a previous master key) and is meant to
 * run at every start. Thread-safe.
 */
public final class WebhookService {
    /** The most webhooks one project may have. */
    public static final int MAX_PER_PROJECT = 100;
    private static final int MAX_URL_LENGTH = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);
    private static final int SEAL_BATCH = 500;
    /** Below the idle timeouts of common servers (Node's 5 s is among the shortest), so they rarely close first. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(4);

    private final Catalog catalog;
    private final Catalog backgroundCatalog;
    private final Clock clock;
    private final IdSource ids;
    private final OutboundHttp outbound;
    private final WebhookSender sender;
    private final RetrySchedule schedule;
    private final WebhookDispatcher.Settings settings;
    private final ExecutorService deliveryExecutor;
    private final Duration retention;
    private final WebhookSecrets secrets;

    private WebhookService(Builder b) {
        this.catalog = b.catalog;
        this.backgroundCatalog = b.backgroundCatalog == null ? b.catalog : b.backgroundCatalog;
        this.clock = b.clock;
        this.ids = b.ids == null ? IdSource.timeOrdered(b.clock) : b.ids;
        this.outbound = OutboundHttp.builder().policy(b.policy).connectTimeout(min(b.timeout, Duration.ofSeconds(10)))
                .totalTimeout(b.timeout).maxResponseBytes(1024 * 1024).userAgent("Uploadkit-Webhooks/1")
                .keepAlive(KEEP_ALIVE, b.perWebhook).build();
        this.secrets = new WebhookSecrets(b.secrets);
        this.sender = new WebhookSender(outbound, this::now, secrets, b.listener);
        this.schedule = new RetrySchedule(b.retryDelays);
        this.settings = new WebhookDispatcher.Settings(b.concurrency, b.perWebhook, b.lease, b.pollInterval,
                b.maxFailuresInARow);
        this.deliveryExecutor = b.executor;
        this.retention = b.retention;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a webhook and returns it with its signing secret, shown this once.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on {@code url} (not an absolute http(s) URL, or one the
     *     outbound policy refuses) or {@code events} (empty); {@code CONFLICT} past {@value #MAX_PER_PROJECT}
     */
    public CreatedWebhook create(UUID projectId, String url, Set<EventType> events, boolean active) {
        URI target = checkedUrl(url);
        Set<EventType> types = checkedEvents(events);
        Instant now = now();
        Webhook webhook = new Webhook(ids.next(), projectId, target, types, active, null, 0, now, now);
        String secret = "whsec_" + HexFormat.of().formatHex(randomBytes());
        catalog.inTransaction(tx -> {
            if (tx.webhooks().list(projectId).size() >= MAX_PER_PROJECT) {
                throw new UploadException(ErrorCode.CONFLICT, "A project has at most " + MAX_PER_PROJECT
                        + " webhooks; delete one first.");
            }
            tx.webhooks().insert(webhook, secrets.stored(webhook.id(), secret));
            return null;
        });
        return new CreatedWebhook(webhook, secret);
    }

    /** Returns the project's webhooks, oldest first. */
    public List<Webhook> list(UUID projectId) {
        return catalog.inTransaction(tx -> tx.webhooks().list(projectId));
    }

    /** @throws UploadException {@code NOT_FOUND} */
    public Webhook get(UUID projectId, UUID id) {
        return catalog.inTransaction(tx -> tx.webhooks().find(projectId, id)).orElseThrow(WebhookService::notFound);
    }

    /**
     * Changes a webhook's URL, events or switch. Switching it on again clears {@code disabled_reason} and the count
     * of failures in a row; its pending deliveries then go out.
     *
     * @throws UploadException {@code NOT_FOUND}; {@code VALIDATION_ERROR} as {@link #create}
     */
    public Webhook update(UUID projectId, UUID id, WebhookChange change) {
        URI url = change.url() == null ? null : checkedUrl(change.url());
        Set<EventType> events = change.events() == null ? null : checkedEvents(change.events());
        Instant now = now();
        return catalog.inTransaction(tx -> {
            Webhook w = tx.webhooks().find(projectId, id).orElseThrow(WebhookService::notFound);
            boolean active = change.active() == null ? w.active() : change.active();
            boolean reactivated = active && !w.active();
            Webhook next = new Webhook(w.id(), w.projectId(), url == null ? w.url() : url,
                    events == null ? w.events() : events, active, reactivated ? null : w.disabledReason(),
                    reactivated ? 0 : w.consecutiveFailures(), w.createdAt(), now);
            tx.webhooks().update(next);
            return next;
        });
    }

    /** Deletes a webhook and its deliveries log. @throws UploadException {@code NOT_FOUND} */
    public void delete(UUID projectId, UUID id) {
        if (!catalog.inTransaction(tx -> tx.webhooks().delete(projectId, id))) {
            throw notFound();
        }
    }

    /** Returns one page of the webhook's deliveries, newest first. @throws UploadException {@code NOT_FOUND} */
    public Page<WebhookDelivery> deliveries(UUID projectId, UUID webhookId, PageRequest page) {
        return catalog.inTransaction(tx -> {
            tx.webhooks().find(projectId, webhookId).orElseThrow(WebhookService::notFound);
            return tx.webhooks().deliveries(projectId, webhookId, page);
        });
    }

    /**
     * Sends a delivery's event again now, with the same {@code X-Webhook-ID} and body, and records the attempt: a
     * 2xx answer marks it succeeded; a failure leaves a pending delivery's retries as they were and marks any other
     * failed.
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown webhook or delivery
     */
    public WebhookDelivery redeliver(UUID projectId, UUID webhookId, UUID deliveryId) {
        DueDelivery d = catalog.inTransaction(tx -> tx.webhooks().delivery(projectId, webhookId, deliveryId))
                .orElseThrow(() -> UploadException.notFound("Delivery"));
        WebhookSender.Result result = sender.deliver(d);
        Instant now = now();
        RetrySchedule retries = d.status() == WebhookDelivery.Status.PENDING ? schedule : new RetrySchedule(List.of());
        Attempt recorded = WebhookDispatcher.attempt(d, result, retries, now);
        return catalog.inTransaction(tx -> {
            tx.webhooks().recordAttempts(List.of(recorded), settings.maxFailuresInARow());
            return tx.webhooks().logEntry(projectId, webhookId, deliveryId).orElseThrow(
                    () -> UploadException.notFound("Delivery"));
        });
    }

    /**
     * POSTs a {@code webhook.test} event to the webhook now, signed like every delivery, and returns the answer.
     * Test sends are not logged and do not count as failures.
     *
     * @throws UploadException {@code NOT_FOUND}
     */
    public WebhookTestResult test(UUID projectId, UUID webhookId) {
        Webhook w = get(projectId, webhookId);
        String secret = catalog.inTransaction(tx -> tx.webhooks().secret(projectId, webhookId))
                .orElseThrow(WebhookService::notFound);
        String payload = WebhookPayloads.test(w.id(), now());
        WebhookSender.Result r = sender.send(ids.next(), w.id(), w.url(), secret, WebhookPayloads.TEST_EVENT,
                payload);
        return new WebhookTestResult(r.succeeded(), r.statusCode(), r.latencyMs(), r.error());
    }

    /**
     * Seals every signing secret still kept in plaintext (written before secrets were sealed, or while no master key
     * was configured) and seals again those sealed under a previous master key; returns how many it changed. Does
     * nothing without a master key. Idempotent and safe while other instances run or do the same (each row is
     * replaced only if it still holds what was read). Secrets no configured key opens are left as they are and
     * logged with the key id that sealed them: instances sharing a database need the same master key.
     */
    public int sealSecrets() {
        if (!secrets.seals()) {
            return 0;
        }
        int changed = 0;
        int unopenable = 0;
        String lastProblem = null;
        UUID after = null;
        while (true) {
            UUID from = after;
            List<StoredSecret> batch = catalog.inTransaction(tx -> tx.webhooks().storedSecrets(from, SEAL_BATCH));
            for (StoredSecret s : batch) {
                if (!secrets.needsSealing(s.secret())) {
                    continue;
                }
                String sealed;
                try {
                    sealed = secrets.stored(s.id(), secrets.open(s.id(), s.secret()));
                } catch (IllegalArgumentException e) {
                    unopenable++;
                    lastProblem = e.getMessage();
                    continue;
                }
                if (catalog.inTransaction(tx -> tx.webhooks().replaceSecret(s.id(), s.secret(), sealed))) {
                    changed++;
                }
            }
            if (batch.size() < SEAL_BATCH) {
                break;
            }
            after = batch.get(batch.size() - 1).id();
        }
        if (unopenable > 0) {
            LOG.warn("{} webhook signing secrets cannot be opened with the configured master keys, so their "
                    + "deliveries fail; instances sharing a database need the same master key. {}", unopenable,
                    lastProblem);
        }
        return changed;
    }

    /**
     * Deletes finished deliveries older than the log's retention (30 days by default), in batches; returns how
     * many. A recurring job of {@code BackgroundWork} calls it.
     */
    public int purgeDeliveries() {
        Instant before = now().minus(retention);
        int total = 0;
        while (true) {
            int n = catalog.inTransaction(tx -> tx.webhooks().purgeDeliveries(before, 1000));
            total += n;
            if (n < 1000) {
                return total;
            }
        }
    }

    /**
     * Returns a new dispatcher sending due deliveries; its owner starts and closes it. A delivery it was sending
     * when its process died is sent again once its lease runs out.
     */
    public WebhookDispatcher newDispatcher() {
        return newDispatcher(null);
    }

    /**
     * Returns a new dispatcher whose leases name {@code instanceId}, an instance that records heartbeats (see
     * {@code BackgroundWork}, which runs one): when they stop, the crash sweep of any instance frees its leases,
     * so what it was sending when it died is sent again without waiting for the lease to run out.
     */
    public WebhookDispatcher newDispatcher(String instanceId) {
        return new WebhookDispatcher(backgroundCatalog, sender, schedule, this::now, settings, deliveryExecutor,
                instanceId);
    }

    private URI checkedUrl(String url) {
        if (url == null || url.isBlank()) {
            throw UploadException.validation("url", "The url is required.");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw UploadException.validation("url", "The url must be at most " + MAX_URL_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw UploadException.validation("url", "The url is not a valid URL: " + e.getReason() + ".");
        }
        if (!uri.isAbsolute()) {
            throw UploadException.validation("url", "The url must be an absolute http or https URL.");
        }
        try {
            outbound.check(uri);
        } catch (OutboundException e) {
            throw UploadException.validation("url", "The url cannot be used: " + e.getMessage());
        }
        return uri;
    }

    private static Set<EventType> checkedEvents(Set<EventType> events) {
        if (events == null || events.isEmpty()) {
            throw UploadException.validation("events", "The events must list at least one event type, such as "
                    + "upload.completed.");
        }
        return Set.copyOf(events);
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static UploadException notFound() {
        return UploadException.notFound("Webhook");
    }

    /** Configures a {@link WebhookService}; the catalog is required. */
    public static final class Builder {
        private Catalog catalog;
        private Catalog backgroundCatalog;
        private Clock clock = Clock.systemUTC();
        private IdSource ids;
        private OutboundPolicy policy = OutboundPolicy.defaults();
        private Duration timeout = Duration.ofSeconds(15);
        private List<Duration> retryDelays = RetrySchedule.DEFAULT_DELAYS;
        private int concurrency = 64;
        private int perWebhook = 8;
        private Duration lease = Duration.ofMinutes(1);
        private Duration pollInterval = Duration.ofMillis(200);
        private int maxFailuresInARow = 20;
        private ExecutorService executor;
        private Duration retention = Duration.ofDays(30);
        private SecretBox secrets;
        private DeliveryListener listener = DeliveryListener.NONE;

        private Builder() {
        }

        /** Tells {@code value} about every delivery attempt (for metrics); default none. */
        public Builder listener(DeliveryListener value) {
            listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /**
         * Seals signing secrets at rest under this master key (the one that seals storage connections' secrets,
         * {@code StorageSettings.secrets()}). Without it they are kept in plaintext.
         */
        public Builder secrets(SecretBox value) {
            secrets = Objects.requireNonNull(value, "secrets");
            return this;
        }

        public Builder catalog(Catalog value) {
            catalog = Objects.requireNonNull(value, "catalog");
            return this;
        }

        /**
         * The catalog the dispatcher claims and records deliveries on: the same database as {@link #catalog},
         * reached through connections that requests do not use (such as {@code UploadkitDatabase
         * .backgroundCatalog()}), so that under load it does not queue behind request threads for a connection.
         * Default: {@link #catalog}.
         */
        public Builder backgroundCatalog(Catalog value) {
            backgroundCatalog = Objects.requireNonNull(value, "backgroundCatalog");
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public Builder ids(IdSource value) {
            ids = Objects.requireNonNull(value, "ids");
            return this;
        }

        /** Which addresses webhooks may reach (default {@link OutboundPolicy#defaults()}: public ones only). */
        public Builder policy(OutboundPolicy value) {
            policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** How long one attempt may take, connect to last byte (default 15 s; connecting at most 10 s of it). */
        public Builder timeout(Duration value) {
            timeout = positive("timeout", value);
            return this;
        }

        /** The pauses before each retry (default {@link RetrySchedule#DEFAULT_DELAYS}); jittered by ±20 %. */
        public Builder retryDelays(List<Duration> value) {
            value.forEach(d -> positive("retryDelays", d));
            retryDelays = List.copyOf(value);
            return this;
        }

        /**
         * How many deliveries one instance sends at once (default 64: a sender mostly waits for its receiver, so
         * this bounds deliveries per second to about 64 / the receivers' answer time).
         */
        public Builder concurrency(int value) {
            concurrency = atLeastOne("concurrency", value);
            return this;
        }

        /** How many deliveries of one webhook one instance sends at once (default 8). */
        public Builder perWebhookConcurrency(int value) {
            perWebhook = atLeastOne("perWebhookConcurrency", value);
            return this;
        }

        /** After how many failed attempts in a row a webhook is disabled (default 20). */
        public Builder maxFailuresInARow(int value) {
            maxFailuresInARow = atLeastOne("maxFailuresInARow", value);
            return this;
        }

        /** How often the dispatcher looks for due deliveries when not woken (default 200 ms). */
        public Builder pollInterval(Duration value) {
            pollInterval = positive("pollInterval", value);
            return this;
        }

        /**
         * How long a claimed delivery stays its sender's before another may take it (default 1 minute, at least
         * twice the timeout). It is also, at most, how long a delivery that was being sent when its instance crashed
         * waits before an instance sends it again; the crash sweep frees it sooner, once the instance has missed its
         * heartbeats for {@code UploadService.interruptedAfter()}.
         */
        public Builder lease(Duration value) {
            lease = positive("lease", value);
            return this;
        }

        /** How long finished deliveries stay in the log (default 30 days). */
        public Builder retention(Duration value) {
            retention = positive("retention", value);
            return this;
        }

        /**
         * Sends deliveries on the host's executor, which stays the host's to shut down. Default: a pool of
         * {@link #concurrency} threads owned by each dispatcher.
         */
        public Builder deliveryExecutor(ExecutorService value) {
            executor = Objects.requireNonNull(value, "deliveryExecutor");
            return this;
        }

        public WebhookService build() {
            if (catalog == null) {
                throw new IllegalStateException("catalog: not set; call catalog(...) with UploadkitDatabase.catalog()");
            }
            if (lease.compareTo(timeout.multipliedBy(2)) < 0) {
                throw new IllegalStateException("lease: " + lease + " must be at least twice the timeout " + timeout);
            }
            return new WebhookService(this);
        }

        private static Duration positive(String name, Duration value) {
            return Durations.requirePositive(name, value, null);
        }

        private static int atLeastOne(String name, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(name + ": must be at least 1, was " + value);
            }
            return value;
        }
    }
}
