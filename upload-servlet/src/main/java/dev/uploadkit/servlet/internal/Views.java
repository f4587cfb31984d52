package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.EmptyTrashResult;
import dev.uploadkit.core.auth.ApiKey;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookDelivery;
import dev.uploadkit.core.webhook.WebhookTestResult;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.DedupStats;

import java.util.List;
import java.util.Map;

/**
 * The API's answers as types: each record is serialised by {@link Json#MAPPER} (snake_case names, nulls
 * written), and {@code openapi.json}'s schemas are checked against these records' components, so the wire format
 * and its description come from the same place.
 */
final class Views {
    private Views() {
    }

    /** {@code {"success": true, "data": ...}}. */
    record Success(boolean success, Object data) {
    }

    /** A page of a list. */
    record PageBody(boolean success, List<?> data, Meta meta) {
    }

    record Meta(int currentPage, int perPage, long total, long lastPage, String nextCursor, String totalRelation) {
    }

    /** {@code {"success": false, "error": {...}}}. */
    record ErrorBody(boolean success, ErrorDetail error) {
    }

    record ErrorDetail(String code, String message, Map<String, List<String>> details) {
    }

    /** The upload object of SPEC §3. */
    record UploadView(String uuid, String filename, String folder, String objectKey, String downloadUrl,
                      long sizeBytes, String sizeFormatted, String mimeType, String fileHash, boolean isPublic,
                      String contentDisposition, String status, String storageId, boolean isStored,
                      Map<String, String> metadata, ContentInfoView contentInfo, boolean deduplicated,
                      long uploadTimeMs, String sourceUrl, UploadErrorView error, String createdAt,
                      String updatedAt, String deletedAt) {
    }

    /** What was learned from the bytes; {@code image} is null unless an image header could be read. */
    record ContentInfoView(String mime, ImageView image) {
    }

    record ImageView(int width, int height, String format) {
    }

    /** Why a failed or cancelled upload did not complete. */
    record UploadErrorView(String code, String message) {
    }

    record DeletedFileView(String uuid, boolean deleted) {
    }

    record DeletedProjectView(String id, boolean deleted) {
    }

    record EmptyTrashView(long deleted, long bytesFreed) {
        static EmptyTrashView of(EmptyTrashResult r) {
            return new EmptyTrashView(r.deleted(), r.bytesFreed());
        }
    }

    record HashCheckView(boolean exists, UploadView upload) {
    }

    record DedupStatsView(long totalFiles, long uniqueBlobs, long duplicateFiles, long logicalBytes, long storedBytes,
                          long bytesSaved, double savingsPercent) {
        static DedupStatsView of(DedupStats s) {
            return new DedupStatsView(s.totalFiles(), s.uniqueBlobs(), s.duplicateFiles(), s.logicalBytes(),
                    s.storedBytes(), s.bytesSaved(), s.savingsPercent());
        }
    }

    /** Up to 100 files moved to trash; the others, by uuid as given, with the reason. */
    record BulkDeleteView(List<String> deleted, Map<String, String> problems) {
    }

    record RemovedKeyView(String key, boolean deleted) {
    }

    /** An API key as listed: its prefix, never the key. */
    record KeyView(String id, String name, String prefix, List<String> permissions, String createdAt,
                   String revokedAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id().toString(), k.name(), k.prefix(), permissionNames(k),
                    UploadViews.timestamp(k.createdAt()), UploadViews.timestamp(k.revokedAt()));
        }
    }

    /** A new API key: the only answer that shows {@code key}. */
    record CreatedKeyView(String id, String name, String prefix, List<String> permissions, String createdAt,
                          String key) {
        static CreatedKeyView of(ApiKey k, String plaintext) {
            return new CreatedKeyView(k.id().toString(), k.name(), k.prefix(), permissionNames(k),
                    UploadViews.timestamp(k.createdAt()), plaintext);
        }
    }

    /** The answer to {@code files/bulk-upload-from-urls}: one pending upload per accepted item, item index → reasons. */
    record BulkImportView(List<UploadView> uploads, Map<String, List<String>> problems) {
    }

    record BulkCancelView(List<String> cancelled, Map<String, String> problems) {
    }

    record BulkStoreView(List<String> stored, Map<String, String> problems) {
    }

    /** {@code GET usage}: totals over {@code from}..{@code to} and one row per day. */
    record UsageView(String from, String to, String granularity, UsageCountsView totals, List<UsageDayView> days) {
    }

    record UsageCountsView(long requests, CountBytesView uploads, CountBytesView downloads, StorageView storage) {
    }

    record UsageDayView(String date, long requests, CountBytesView uploads, CountBytesView downloads,
                        StorageView storage) {
    }

    record CountBytesView(long count, long bytes) {
    }

    /** Files and bytes stored at the end of a day; null where not known (days before roll-ups, future days). */
    record StorageView(Long files, Long bytes) {
    }

    /** A request-log entry: never a key or a query secret. */
    record LogEntryView(String id, String time, String method, String path, int status, String errorCode,
                        long durationMs, String keyId, String keyPrefix, String clientIp) {
    }

    /** A storage connection: every field but the secret key, of which only its presence shows. */
    record StorageConnectionView(String id, String name, String provider, String endpoint, String region, String bucket,
                                 String accessKey, boolean hasSecretKey, String publicBaseUrl, boolean pathStyle,
                                 boolean isDefault, String createdAt, String updatedAt) {
    }

    record DeletedStorageView(String id, boolean deleted) {
    }

    /** The connectivity check: each step's latency, or the step that failed and why. */
    record StorageCheckView(boolean ok, List<StorageStepView> steps, String failedStep, String error) {
    }

    record StorageStepView(String step, boolean ok, long latencyMs) {
    }

    record StorageStatsView(String storageId, long files, long bytes, List<FolderStatsView> folders,
                            boolean foldersTruncated) {
    }

    record FolderStatsView(String folder, long files, long bytes) {
    }

    /**
     * Where {@code files/{uuid}/remote-copy} put the bytes, or (a job: {@code id} set) is putting them: {@code status}
     * {@code completed}, or a job's {@code pending}, {@code processing}, {@code completed}, {@code failed} (with
     * {@code error}).
     */
    record RemoteCopyView(String id, String status, String storageId, String objectKey, long sizeBytes, String url,
                          UploadErrorView error) {
    }

    /** A webhook as listed: never its secret. */
    record WebhookView(String id, String url, List<String> events, boolean isActive, String disabledReason,
                       int consecutiveFailures, String createdAt, String updatedAt) {
        static WebhookView of(Webhook w) {
            return new WebhookView(w.id().toString(), w.url().toString(), eventNames(w), w.active(), w.disabledReason(),
                    w.consecutiveFailures(), UploadViews.timestamp(w.createdAt()), UploadViews.timestamp(w.updatedAt()));
        }
    }

    /** A new webhook: the only answer that shows its signing {@code secret}. */
    record CreatedWebhookView(String id, String url, List<String> events, boolean isActive, String disabledReason,
                              int consecutiveFailures, String createdAt, String updatedAt, String secret) {
        static CreatedWebhookView of(Webhook w, String secret) {
            WebhookView v = WebhookView.of(w);
            return new CreatedWebhookView(v.id(), v.url(), v.events(), v.isActive(), v.disabledReason(),
                    v.consecutiveFailures(), v.createdAt(), v.updatedAt(), secret);
        }
    }

    record DeletedWebhookView(String id, boolean deleted) {
    }

    /** A row of a webhook's deliveries log: its last attempt, and the next one if any. */
    record WebhookDeliveryView(String id, String webhookId, String event, String eventId, String status, int attempt,
                               Integer statusCode, Long latencyMs, String error, String nextRetryAt, String createdAt,
                               String updatedAt, String deliveredAt) {
        static WebhookDeliveryView of(WebhookDelivery d) {
            return new WebhookDeliveryView(d.id().toString(), d.webhookId().toString(), d.eventType().wireName(),
                    d.eventId() == null ? null : d.eventId().toString(), d.status().wireName(), d.attempts(),
                    d.lastStatusCode(), d.lastLatencyMs(), d.lastError(), UploadViews.timestamp(d.nextAttemptAt()),
                    UploadViews.timestamp(d.createdAt()), UploadViews.timestamp(d.updatedAt()),
                    UploadViews.timestamp(d.deliveredAt()));
        }
    }

    /** What a {@code webhook.test} send came to. */
    record WebhookTestView(boolean success, Integer statusCode, long latencyMs, String error) {
        static WebhookTestView of(WebhookTestResult r) {
            return new WebhookTestView(r.success(), r.statusCode(), r.latencyMs(), r.error());
        }
    }

    private static List<String> eventNames(Webhook w) {
        return w.events().stream().map(EventType::wireName).sorted().toList();
    }

    record ProjectView(String id, String name, String plan, String createdAt) {
        static ProjectView of(Project p) {
            return new ProjectView(p.id().toString(), p.name(), p.plan(), UploadViews.timestamp(p.createdAt()));
        }
    }

    private static List<String> permissionNames(ApiKey k) {
        return k.permissions().stream().sorted().map(Permission::wireName).toList();
    }
}
