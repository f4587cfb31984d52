package dev.uploadkit.core.webhook;

/**
 * What a {@code webhook.test} send came to.
 *
 * @param statusCode the receiver's status, {@code null} if none answered
 * @param error why it failed, {@code null} on a 2xx answer
 */
public record WebhookTestResult(boolean success, Integer statusCode, long latencyMs, String error) {
}
