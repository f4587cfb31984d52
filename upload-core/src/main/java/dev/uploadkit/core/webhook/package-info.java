/**
 * Webhooks: subscriptions of a project to its events, and the log of their deliveries. {@link
 * dev.uploadkit.core.webhook.WebhookService} manages them; the outbox relay of the
 * {@link dev.uploadkit.core.UploadService} turns each event into one delivery per subscribed webhook, and the
 * {@code BackgroundWork} of every instance sends the due ones, signed, with retries.
 */
package dev.uploadkit.core.webhook;
