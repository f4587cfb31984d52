package dev.uploadkit.core.internal.store;

import com.google.common.io.ByteSource;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.MutableBlobMetadata;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.io.Payload;
import org.jclouds.io.Payloads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a stream of unknown length to an S3-compatible bucket through one reused part buffer.
 *
 * <p>S3 needs every request's length up front, and V4 signing hashes the body before sending it; so each part is
 * read into the buffer and sent as a repeatable payload of known length, which jclouds can hash and retry. Content
 * that fits in one buffer goes as a single put. Memory per write is one buffer; nothing touches the disk.
 *
 * <p>Thread-safe: each write allocates its own buffer.
 */
public final class MultipartWriter {
    /** S3's limit on the number of parts of one upload. */
    public static final int MAX_PARTS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(MultipartWriter.class);

    private final BlobStore blobStore;
    private final String container;
    private final int partSize;

    public MultipartWriter(BlobStore blobStore, String container, int partSize) {
        this.blobStore = blobStore;
        this.container = container;
        this.partSize = partSize;
    }

    /**
     * Reads {@code source} to the end and stores it under {@code key}; on any failure, aborts the multipart upload
     * so that nothing stays behind, then rethrows.
     *
     * @return the number of bytes written
     * @throws IOException if reading {@code source} fails
     * @throws UploadException {@code FILE_TOO_LARGE} if the content needs more than {@link #MAX_PARTS} parts
     */
    public long write(String key, SourceStream source, String contentType) throws IOException {
        byte[] buffer = new byte[partSize];
        int filled = source.fill(buffer);
        if (filled < partSize) {
            Blob blob = blobStore.blobBuilder(key)
                    .payload(ByteSource.wrap(buffer).slice(0, filled))
                    .contentLength(filled)
                    .contentType(contentType)
                    .build();
            blobStore.putBlob(container, blob);
            return filled;
        }
        MutableBlobMetadata metadata = blobStore.blobBuilder(key).build().getMetadata();
        metadata.getContentMetadata().setContentType(contentType);
        MultipartUpload upload = blobStore.initiateMultipartUpload(container, metadata, PutOptions.NONE);
        try {
            List<MultipartPart> parts = new ArrayList<>();
            long total = 0;
            while (filled > 0) {
                if (parts.size() == MAX_PARTS) {
                    throw tooLarge();
                }
                parts.add(blobStore.uploadMultipartPart(upload, parts.size() + 1, payload(buffer, filled)));
                total += filled;
                filled = filled < partSize ? 0 : source.fill(buffer);
            }
            blobStore.completeMultipartUpload(upload, parts);
            LOG.debug("Stored {} ({} bytes, {} parts) in bucket {}", key, total, parts.size(), container);
            return total;
        } catch (IOException | RuntimeException | Error e) {
            abort(upload, e);
            throw e;
        }
    }

    private static Payload payload(byte[] buffer, int length) {
        Payload payload = Payloads.newByteSourcePayload(ByteSource.wrap(buffer).slice(0, length));
        payload.getContentMetadata().setContentLength((long) length);
        return payload;
    }

    private void abort(MultipartUpload upload, Throwable cause) {
        try {
            blobStore.abortMultipartUpload(upload);
        } catch (RuntimeException e) {
            // The original failure is what the caller needs to see; the orphaned upload is worth a warning,
            // as it costs storage until a bucket lifecycle rule removes it.
            LOG.warn("Could not abort multipart upload {} of {} in bucket {}", upload.id(), upload.blobName(),
                    container, e);
            cause.addSuppressed(e);
        }
    }

    private UploadException tooLarge() {
        String message = "The file exceeds the largest object this store can write: " + MAX_PARTS + " parts of "
                + partSize + " bytes.";
        return new UploadException(ErrorCode.FILE_TOO_LARGE, message, Map.of("file", List.of(message)), null);
    }
}
