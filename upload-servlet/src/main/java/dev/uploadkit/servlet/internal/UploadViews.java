package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ContentInfo;
import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.store.StoreIds;
import dev.uploadkit.core.webhook.DownloadLinks;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/** The upload object of the contract (SPEC §3), with its {@code download_url}. */
public final class UploadViews {
    private final DownloadTokens tokens;
    private final BiFunction<UUID, String, Optional<String>> publicBaseUrls;

    public UploadViews(DownloadTokens tokens) {
        this(tokens, (project, storage) -> Optional.empty());
    }

    /** With {@code publicBaseUrls} giving the public base URL of a project's storage, if it has one. */
    public UploadViews(DownloadTokens tokens, BiFunction<UUID, String, Optional<String>> publicBaseUrls) {
        this.tokens = tokens;
        this.publicBaseUrls = publicBaseUrls;
    }

    public Views.UploadView toJson(Upload u, String baseUrl) {
        Views.UploadErrorView error = u.error() == null ? null
                : new Views.UploadErrorView(u.error().code(), u.error().message());
        return new Views.UploadView(u.uuid().toString(), u.filename(), u.folder(), u.objectKey(),
                downloadUrl(u, baseUrl), u.sizeBytes(), DataSize.ofBytes(u.sizeBytes()).format(), u.mimeType(),
                u.fileHash().orElse(null), u.isPublic(), u.contentDisposition().wireName(), u.status().wireName(),
                StoreIds.wire(u.storageId()), u.isStored(), u.metadata().entries(), contentInfo(u.contentInfo()),
                u.deduplicated(), u.uploadTimeMs(), u.sourceUrl(), error, timestamp(u.createdAt()),
                timestamp(u.updatedAt()), timestamp(u.deletedAt()));
    }

    private static Views.ContentInfoView contentInfo(ContentInfo info) {
        if (info == null) {
            return null;
        }
        Views.ImageView image = info.image() == null ? null : new Views.ImageView(info.image().width(),
                info.image().height(), info.imageFormat().orElse(null));
        return new Views.ContentInfoView(info.mime(), image);
    }

    /**
     * Returns the link the bytes are served at, or {@code null} while there are none to serve (not completed,
     * or in trash): for a public file in a storage connection with a public base URL, {@code <base>/<object key>};
     * for any other file, the servlet's signed, expiring link (SPEC §3).
     */
    public String downloadUrl(Upload u, String baseUrl) {
        if (u.status() != UploadStatus.COMPLETED || u.objectKey() == null || u.isTrashed()) {
            return null;
        }
        if (u.isPublic()) {
            Optional<String> publicBase = publicBaseUrls.apply(u.projectId(), u.storageId());
            if (publicBase.isPresent()) {
                return DownloadLinks.publicUrl(publicBase.get(), u.objectKey());
            }
        }
        return baseUrl + "/files/" + u.uuid() + "/download?token=" + tokens.issue(u.projectId(), u.uuid());
    }

    /** Formats an instant as ISO-8601 UTC without fractional seconds, e.g. {@code 2025-01-15T10:30:00Z}. */
    public static String timestamp(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
