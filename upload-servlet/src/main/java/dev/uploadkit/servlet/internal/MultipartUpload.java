package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.ReceivedUpload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.servlet.internal.MultipartParser.LimitExceededException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Receives {@code POST files/upload}: walks the multipart body with {@link MultipartParser}, validating fields
 * as they arrive and streaming the {@code file} part straight into {@link UploadService#receive}. Nothing is
 * buffered beyond one form field.
 *
 * <p>The upload is completed when the form ends, with every field whatever its place, so a {@code folder} sent
 * after the file still names the stored object. If anything fails (an invalid field, a second file, a malformed or
 * truncated body), the received upload is aborted before the error is answered, so a failed request leaves no
 * file and no record.
 */
final class MultipartUpload {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    private static final String FILE_FIELD = "file";

    private final UploadService uploads;
    private final long maxRequestSize;
    private final int maxParts;
    private final long maxFieldSize;

    MultipartUpload(UploadService uploads, long maxRequestSize, int maxParts, long maxFieldSize) {
        this.uploads = uploads;
        this.maxRequestSize = maxRequestSize;
        this.maxParts = maxParts;
        this.maxFieldSize = maxFieldSize;
    }

    Upload receive(HttpServletRequest request, UUID projectId) {
        requireMultipart(request);
        if (request.getContentLengthLong() > maxRequestSize) {
            throw tooLarge(maxRequestSize, null);
        }
        String boundary = MultipartParser.boundary(Exchange.contentType(request)).orElseThrow(() -> new UploadException(
                ErrorCode.PAYLOAD_MALFORMED, "The multipart Content-Type has no valid boundary parameter."));
        UploadForm form = new UploadForm(projectId);
        ReceivedUpload received = null;
        int parts = 0;
        try {
            MultipartParser items = new MultipartParser(request.getInputStream(), boundary, partHeaderLimit(),
                    maxRequestSize);
            MultipartParser.Part item;
            while ((item = items.next()) != null) {
                String name = item.headers().name();
                if (name == null) {
                    // Not a form field: skipped without counting, as commons-fileupload did.
                    continue;
                }
                if (++parts > maxParts) {
                    throw UploadException.validation("form", "The form may have at most " + maxParts + " parts.");
                }
                if (FILE_FIELD.equals(name)) {
                    if (received != null) {
                        throw UploadException.validation(FILE_FIELD, "Only one file may be uploaded per request.");
                    }
                    received = uploads.receive(form.request(partFilename(item)), new PartStream(item.body()));
                } else {
                    form.field(name, readField(item, name));
                }
            }
            if (parts == 0) {
                throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The multipart body has no parts.");
            }
            if (received == null) {
                throw new UploadException(ErrorCode.VALIDATION_ERROR, "The file is required.",
                        Map.of(FILE_FIELD, List.of("The file field is required.")), null);
            }
            UploadRequest whole = form.finalRequest();
            ReceivedUpload completing = received;
            received = null; // complete cleans up after itself when it fails
            Upload stored = completing.complete(whole);
            request.setAttribute(RecordStep.UPLOADED_BYTES, stored.sizeBytes());
            return stored;
        } catch (IOException | RuntimeException e) {
            UploadException failure = translate(e);
            if (received != null) {
                abort(received, failure);
            }
            throw failure;
        }
    }

    private static void requireMultipart(HttpServletRequest request) {
        String contentType = Exchange.contentType(request);
        // Any multipart type, as commons-fileupload accepted: only form-data dispositions are read from it.
        if (contentType == null
                || !PartHeaders.type(contentType).toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                    "The request must be multipart/form-data with a file field.");
        }
        // Fields are read as UTF-8 whatever the charset says, but a charset no one knows means a broken client.
        String charset = PartHeaders.parameters(contentType).get("charset");
        if (charset != null && !isKnownCharset(charset)) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The Content-Type names an unknown charset.");
        }
    }

    private static boolean isKnownCharset(String name) {
        try {
            return Charset.isSupported(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private int partHeaderLimit() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(maxFieldSize, 8192));
    }

    private static String partFilename(MultipartParser.Part item) {
        String filename = item.headers().filename();
        if (filename != null && filename.indexOf('\0') >= 0) {
            throw UploadException.validation("filename", "The filename must not contain control characters.");
        }
        return filename;
    }

    private String readField(MultipartParser.Part item, String name) throws IOException {
        try (InputStream in = item.body()) {
            byte[] value = in.readNBytes((int) maxFieldSize + 1);
            if (value.length > maxFieldSize) {
                throw UploadException.validation(name, "The " + name + " field may be at most "
                        + DataSize.ofBytes(maxFieldSize).format() + ".");
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            } catch (CharacterCodingException e) {
                throw UploadException.validation(name, "The " + name + " field must be UTF-8 text.");
            }
        }
    }

    private static void abort(ReceivedUpload received, UploadException failure) {
        try {
            received.abort();
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
            LOG.warn("Could not discard upload {} of a failed request", received.uuid(), cleanup);
        }
    }

    /** Turns the parser's failures into the contract's codes; anything unexpected becomes {@code INTERNAL_ERROR}. */
    private UploadException translate(Exception e) {
        if (e instanceof UploadException ue) {
            return ue;
        }
        LimitExceededException limit = find(e, LimitExceededException.class);
        if (limit != null && limit.limit() == LimitExceededException.Limit.PART_HEADERS) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The headers of a part exceed "
                    + DataSize.ofBytes(partHeaderLimit()).format() + " or do not end.", e);
        }
        if (limit != null) {
            return tooLarge(limit.permitted(), e);
        }
        if (e instanceof IOException) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                    "The multipart body is malformed or ended early.", e);
        }
        return new UploadException(ErrorCode.INTERNAL_ERROR, "The upload failed.", e);
    }

    private static UploadException tooLarge(long permitted, Exception cause) {
        String message = "The request exceeds the size limit of " + DataSize.ofBytes(permitted).format() + ".";
        return new UploadException(ErrorCode.FILE_TOO_LARGE, message, Map.of(FILE_FIELD, List.of(message)), cause);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The file part's bytes. The parser's request size limit surfaces as {@code FILE_TOO_LARGE} (unchecked, so
     * the store passes it through); other read failures stay {@code IOException}s, which the service reports
     * as {@code PAYLOAD_MALFORMED}.
     */
    private static final class PartStream extends FilterInputStream {
        PartStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw rethrow(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw rethrow(e);
            }
        }

        private static IOException rethrow(IOException e) {
            LimitExceededException limit = find(e, LimitExceededException.class);
            if (limit != null) {
                throw tooLarge(limit.permitted(), e);
            }
            return e;
        }
    }
}
