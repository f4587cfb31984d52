package dev.uploadkit.spring;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.jobs.QueueDepth;
import dev.uploadkit.core.webhook.DeliveryListener;
import dev.uploadkit.servlet.RequestObserver;
import dev.uploadkit.servlet.RequestOutcome;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Uploadkit's Micrometer meters, fed by the servlet as a {@link RequestObserver} and by the webhook dispatcher as a
 * {@link DeliveryListener}; Spring Boot binds this {@link MeterBinder} to the application's registry. Until it is
 * bound (no registry), observing does nothing.
 *
 * <ul>
 *   <li>{@value #UPLOADS} (timer: count and duration of {@code POST files/upload}) and {@value #UPLOAD_BYTES}
 *       (summary, bytes stored), tagged {@code outcome} ({@code success}, {@code client_error},
 *       {@code server_error}) and {@code error} (the contract's code, or {@code none});</li>
 *   <li>{@value #DOWNLOADS} and {@value #DOWNLOAD_BYTES} (bytes served), tagged the same way;</li>
 *   <li>{@value #ERRORS} (counter) of every error answer, tagged {@code code}, {@code status} and {@code route};
 *       rate-limit rejections are its {@code code=RATE_LIMITED}.</li>
 *   <li>{@value #DELIVERIES} (timer: count and duration of webhook delivery attempts), tagged {@code outcome}
 *       ({@code delivered}, {@code failed}, {@code disabled}: a 410 answer that disables the webhook) and
 *       {@code event};</li>
 *   <li>{@value #QUEUE_DEPTH} (gauges) tagged {@code queue}: {@code events} (outbox events not yet relayed),
 *       {@code webhook_deliveries} (pending, due or waiting for a retry), {@code url_imports} (not finished), of
 *       every instance sharing the database; read with one query at most every few seconds
 *       ({@link QueueDepth}).</li>
 * </ul>
 * Tags take only bounded values: route patterns, never paths or ids.
 */
final class UploadkitMetrics implements MeterBinder, RequestObserver, DeliveryListener {
    static final String UPLOADS = "uploadkit.uploads";
    static final String UPLOAD_BYTES = "uploadkit.uploads.bytes";
    static final String DOWNLOADS = "uploadkit.downloads";
    static final String DOWNLOAD_BYTES = "uploadkit.downloads.bytes";
    static final String ERRORS = "uploadkit.errors";
    static final String DELIVERIES = "uploadkit.webhooks.deliveries";
    static final String QUEUE_DEPTH = "uploadkit.queue.depth";
    private static final Logger LOG = LoggerFactory.getLogger(UploadkitMetrics.class);

    private final QueueDepth depth;
    private volatile MeterRegistry registry;

    /** @param depth the queue depths to show as gauges, or {@code null} for none */
    UploadkitMetrics(QueueDepth depth) {
        this.depth = depth;
    }

    @Override
    public void bindTo(MeterRegistry meterRegistry) {
        this.registry = meterRegistry;
        // Registered up front so a dashboard sees them at zero before the first upload.
        Timer.builder(UPLOADS).description("File uploads (POST files/upload) by outcome")
                .tags(outcomeTags("success", null)).register(meterRegistry);
        Timer.builder(DOWNLOADS).description("File downloads by outcome")
                .tags(outcomeTags("success", null)).register(meterRegistry);
        if (depth != null) {
            gauge(meterRegistry, "events", "Outbox events not yet relayed", QueueDepth.Counts::pendingEvents);
            gauge(meterRegistry, "webhook_deliveries", "Webhook deliveries pending (due or waiting for a retry)",
                    QueueDepth.Counts::pendingDeliveries);
            gauge(meterRegistry, "url_imports", "URL imports not finished", QueueDepth.Counts::unfinishedImports);
        }
    }

    private void gauge(MeterRegistry meters, String queue, String description,
                       ToLongFunction<QueueDepth.Counts> count) {
        Gauge.builder(QUEUE_DEPTH, depth, d -> read(d, count)).description(description).tag("queue", queue)
                .register(meters);
    }

    private static double read(QueueDepth depth, ToLongFunction<QueueDepth.Counts> count) {
        try {
            return count.applyAsLong(depth.current());
        } catch (RuntimeException e) {
            LOG.debug("Could not read the queue depths", e);
            return Double.NaN;
        }
    }

    @Override
    public void attempted(String event, Outcome outcome, Duration duration) {
        MeterRegistry meters = registry;
        if (meters != null) {
            Timer.builder(DELIVERIES).description("Webhook delivery attempts by outcome")
                    .tags("outcome", outcome.name().toLowerCase(Locale.ROOT), "event", event).register(meters)
                    .record(duration);
        }
    }

    @Override
    public void completed(RequestOutcome outcome) {
        MeterRegistry meters = registry;
        if (meters == null) {
            return;
        }
        String result = outcomeOf(outcome);
        ErrorCode error = outcome.error().orElse(null);
        if (outcome.isUpload()) {
            record(meters, UPLOADS, "File uploads (POST files/upload) by outcome", UPLOAD_BYTES,
                    "Bytes of files stored by uploads", result, error, outcome);
        } else if (outcome.isDownload()) {
            record(meters, DOWNLOADS, "File downloads by outcome", DOWNLOAD_BYTES,
                    "Bytes of files served by downloads", result, error, outcome);
        }
        if (error != null) {
            meters.counter(ERRORS, Tags.of("code", error.name(), "status", Integer.toString(outcome.status()),
                    "route", outcome.route().isEmpty() ? "none" : outcome.route())).increment();
        }
    }

    private static void record(MeterRegistry meters, String timer, String timerDescription, String summary,
                               String summaryDescription, String result, ErrorCode error, RequestOutcome outcome) {
        Tags tags = outcomeTags(result, error);
        Timer.builder(timer).description(timerDescription).tags(tags).register(meters).record(outcome.duration());
        if (outcome.bytes() > 0) {
            DistributionSummary.builder(summary).description(summaryDescription).baseUnit("bytes").tags(tags)
                    .register(meters).record(outcome.bytes());
        }
    }

    private static Tags outcomeTags(String result, ErrorCode error) {
        return Tags.of("outcome", result, "error", error == null ? "none" : error.name());
    }

    private static String outcomeOf(RequestOutcome outcome) {
        if (outcome.succeeded()) {
            return "success";
        }
        int status = outcome.error().get().httpStatus();
        return status >= 500 ? "server_error" : "client_error";
    }
}
