package dev.uploadkit.core.internal.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.event.StorageSummary;
import dev.uploadkit.core.event.UploadEvent;
import dev.uploadkit.core.webhook.DownloadLinks;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

/**
 * The bodies webhooks POST and their signature: {@code {"event", "timestamp", "data": {"upload": {...}}}} with the
 * upload's fields of SPEC §4 (then its folder, status, metadata and error), and
 * {@code sha256=<hex HMAC-SHA256 of the body with the secret>}.
 */
public final class WebhookPayloads {
    /** The event name of {@code POST webhooks/{id}/test}. */
    public static final String TEST_EVENT = "webhook.test";
    private static final JsonFactory JSON = new JsonFactory();

    private WebhookPayloads() {
    }

    /** Returns the body announcing {@code event}: {@code data.upload}, or {@code data.storage} for storage events. */
    public static String event(UploadEvent event, DownloadLinks links) {
        if (event.upload() == null) {
            return write(g -> {
                StorageSummary s = event.storage();
                g.writeObjectFieldStart("storage");
                g.writeStringField("id", s.id().toString());
                g.writeStringField("project_id", s.projectId().toString());
                g.writeStringField("name", s.name());
                g.writeStringField("provider", s.provider());
                g.writeStringField("bucket", s.bucket());
                g.writeEndObject();
            }, event.type().wireName(), event.occurredAt());
        }
        return write(g -> {
            Upload u = event.upload();
            g.writeObjectFieldStart("upload");
            g.writeStringField("id", u.uuid().toString());
            g.writeStringField("filename", u.filename());
            g.writeStringField("object_key", u.objectKey());
            g.writeStringField("download_url", links.downloadUrl(u));
            g.writeStringField("mime_type", u.mimeType());
            g.writeNumberField("size_bytes", u.sizeBytes());
            g.writeStringField("size_formatted", DataSize.ofBytes(u.sizeBytes()).format());
            g.writeStringField("file_hash", u.fileHash().orElse(null));
            g.writeBooleanField("is_public", u.isPublic());
            g.writeStringField("created_at", timestamp(u.createdAt()));
            g.writeStringField("folder", u.folder());
            g.writeStringField("status", u.status().wireName());
            g.writeStringField("deleted_at", timestamp(u.deletedAt()));
            g.writeObjectFieldStart("metadata");
            for (Map.Entry<String, String> e : u.metadata().entries().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            if (u.error() == null) {
                g.writeNullField("error");
            } else {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", u.error().code());
                g.writeStringField("message", u.error().message());
                g.writeEndObject();
            }
            g.writeEndObject();
            if (event.type() == UploadEvent.DELETED) {
                g.writeBooleanField("permanent", event.permanent()); // false: moved to the trash, restorable
            }
        }, event.type().wireName(), event.occurredAt());
    }

    /** Returns the body of a {@value #TEST_EVENT} event for the webhook. */
    public static String test(UUID webhookId, Instant at) {
        return write(g -> {
            g.writeObjectFieldStart("webhook");
            g.writeStringField("id", webhookId.toString());
            g.writeEndObject();
        }, TEST_EVENT, at);
    }

    /** Returns the {@code X-Webhook-Signature} value of {@code body} under {@code secret}. */
    public static String signature(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new UploadException(ErrorCode.INTERNAL_ERROR, "HMAC-SHA256 is not available.", e);
        }
    }

    /** Formats an instant as ISO-8601 UTC without fractional seconds, as every timestamp of the API. */
    static String timestamp(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    private interface Data {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Data data, String event, Instant at) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("event", event);
            g.writeStringField("timestamp", timestamp(at));
            g.writeObjectFieldStart("data");
            data.write(g);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
