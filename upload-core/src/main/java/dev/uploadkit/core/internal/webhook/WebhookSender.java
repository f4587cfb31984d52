package dev.uploadkit.core.internal.webhook;

import dev.uploadkit.core.catalog.WebhookRecords.DueDelivery;
import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundHttp;
import dev.uploadkit.core.net.OutboundRequest;
import dev.uploadkit.core.net.OutboundResponse;
import dev.uploadkit.core.webhook.DeliveryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Makes one attempt of a delivery: a signed POST through the {@link OutboundHttp} (so the outbound policy is
 * checked again on every attempt and every redirect), and what came of it. Connections to a receiver are kept
 * open between attempts (keep-alive) when the receiver allows it.
 */
public final class WebhookSender {
    /** How the error of an attempt that sent nothing for want of the secret's master key starts. */
    static final String SECRET_UNAVAILABLE = "SECRET_UNAVAILABLE: ";
    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
    private static final int MAX_ERROR = 500;

    private final OutboundHttp http;
    private final Supplier<Instant> clock;
    private final WebhookSecrets secrets;
    private final DeliveryListener listener;

    public WebhookSender(OutboundHttp http, Supplier<Instant> clock, WebhookSecrets secrets,
                         DeliveryListener listener) {
        this.http = http;
        this.clock = clock;
        this.secrets = secrets;
        this.listener = listener;
    }

    /**
     * What an attempt came to.
     *
     * @param statusCode the receiver's status, {@code null} if none answered
     * @param error {@code null} for a 2xx answer, else why it failed
     */
    public record Result(Integer statusCode, long latencyMs, String error) {
        public boolean succeeded() {
            return error == null;
        }

        /**
         * Returns whether nothing was sent because this instance lacks the master key the webhook's secret is sealed
         * under: no fault of the receiver's.
         */
        public boolean secretUnavailable() {
            return error != null && error.startsWith(SECRET_UNAVAILABLE);
        }

        /** Returns whether the receiver said the subscription is gone (410). */
        public boolean gone() {
            return statusCode != null && statusCode == 410;
        }
    }

    /**
     * Makes one attempt of a delivery and tells the {@link DeliveryListener} what came of it, unless nothing was sent
     * for want of the secret's master key ({@link Result#secretUnavailable()}).
     */
    public Result deliver(DueDelivery d) {
        Result result = send(d.id(), d.webhookId(), d.url(), d.secret(), d.type().wireName(), d.payload());
        if (result.secretUnavailable()) {
            return result;
        }
        DeliveryListener.Outcome outcome = result.succeeded() ? DeliveryListener.Outcome.DELIVERED
                : result.gone() ? DeliveryListener.Outcome.DISABLED : DeliveryListener.Outcome.FAILED;
        try {
            listener.attempted(d.type().wireName(), outcome, Duration.ofMillis(result.latencyMs()));
        } catch (RuntimeException e) {
            LOG.warn("A webhook delivery listener failed; ignored", e);
        }
        return result;
    }

    /**
     * POSTs {@code payload} as delivery {@code deliveryId} of {@code event}, signed with webhook {@code webhookId}'s
     * secret as stored ({@link WebhookSecrets}); never throws for the receiver's faults. A secret that does not open
     * (sealed under a master key this instance lacks) is a failed attempt that sends nothing.
     */
    public Result send(UUID deliveryId, UUID webhookId, URI url, String storedSecret, String event, String payload) {
        String secret;
        try {
            secret = secrets.open(webhookId, storedSecret);
        } catch (IllegalArgumentException e) {
            return new Result(null, 0, truncate(SECRET_UNAVAILABLE + e.getMessage()));
        }
        byte[] body = payload.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Webhook-Event", event);
        headers.put("X-Webhook-ID", deliveryId.toString());
        headers.put("X-Webhook-Timestamp", Long.toString(clock.get().getEpochSecond()));
        headers.put("X-Webhook-Signature", WebhookPayloads.signature(secret, body));
        long start = System.nanoTime();
        try {
            OutboundResponse response = http.send(OutboundRequest.post(url, headers, body));
            long latency = (System.nanoTime() - start) / 1_000_000;
            int status = response.status();
            return new Result(status, latency, status >= 200 && status < 300 ? null
                    : "The receiver answered HTTP " + status + ".");
        } catch (OutboundException e) {
            long latency = (System.nanoTime() - start) / 1_000_000;
            Integer status = e.status() > 0 ? e.status() : null;
            return new Result(status, latency, truncate(e.reason() + ": " + e.getMessage()));
        }
    }

    /** Closes the connections kept open for further deliveries. */
    public void closeIdleConnections() {
        http.closeIdleConnections();
    }

    private static String truncate(String text) {
        return text.length() <= MAX_ERROR ? text : text.substring(0, MAX_ERROR - 1) + "…";
    }
}
