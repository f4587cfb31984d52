package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadPatch;
import dev.uploadkit.core.UploadService;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadByteCountLimitException;
import org.apache.commons.fileupload2.core.FileUploadContentTypeException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Receives {@code POST files/upload}: walks the multipart body with the streaming API of commons-fileupload,
 * validating fields as they arrive and streaming the {@code file} part straight into
 * {@link UploadService#upload}. Nothing is buffered beyond one form field.
 *
 * <p>Fields after the file are applied with {@link UploadService#patch} in the same request. If anything after
 * the file fails (an invalid field, a second file, a malformed or truncated body), the new upload is deleted
 * for good before the error is answered, so a failed request leaves no file and no record.
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
        if (!JakartaServletFileUpload.isMultipartContent(request)) {
            throw new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                    "The request must be multipart/form-data with a file field.");
        }
        FileItemInputIterator items = open(request);
        UploadForm form = new UploadForm(projectId);
        Upload created = null;
        int parts = 0;
        try {
            while (items.hasNext()) {
                FileItemInput item = items.next();
                if (++parts > maxParts) {
                    throw UploadException.validation("form", "The form may have at most " + maxParts + " parts.");
                }
                String name = item.getFieldName();
                if (FILE_FIELD.equals(name)) {
                    if (created != null) {
                        throw UploadException.validation(FILE_FIELD, "Only one file may be uploaded per request.");
                    }
                    created = uploads.upload(form.request(partFilename(item)), new PartStream(item.getInputStream()));
                } else if (name != null) {
                    form.field(name, readField(item, name));
                }
            }
            if (parts == 0) {
                throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The multipart body has no parts.");
            }
            if (created == null) {
                throw new UploadException(ErrorCode.VALIDATION_ERROR, "The file is required.",
                        Map.of(FILE_FIELD, List.of("The file field is required.")), null);
            }
            Optional<UploadPatch> patch = form.laterPatch(created);
            return patch.isPresent() ? uploads.patch(projectId, created.uuid(), patch.get()) : created;
        } catch (IOException | RuntimeException e) {
            UploadException failure = translate(e);
            if (created != null) {
                discard(projectId, created, failure);
            }
            throw failure;
        }
    }

    private FileItemInputIterator open(HttpServletRequest request) {
        JakartaServletFileUpload<DiskFileItem, DiskFileItemFactory> parser = new JakartaServletFileUpload<>();
        parser.setMaxSize(maxRequestSize);
        long fileLimit = uploads.maxFileSize().bytes();
        // One byte of slack: the service's own limit is exact and must be the one that trips.
        parser.setMaxFileSize(fileLimit == Long.MAX_VALUE ? -1 : fileLimit + 1);
        parser.setMaxFileCount(maxParts);
        // The default (512 bytes) would refuse a part whose filename is merely long; names are checked later.
        parser.setMaxPartHeaderSize(partHeaderLimit());
        parser.setHeaderCharset(StandardCharsets.UTF_8);
        try {
            return parser.getItemIterator(request);
        } catch (IOException e) {
            throw translate(e);
        }
    }

    private int partHeaderLimit() {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(maxFieldSize, 8192));
    }

    private static String partFilename(FileItemInput item) {
        try {
            return item.getName();
        } catch (InvalidPathException e) {
            throw UploadException.validation("filename", "The filename must not contain control characters.");
        }
    }

    private String readField(FileItemInput item, String name) throws IOException {
        try (InputStream in = item.getInputStream()) {
            byte[] value = in.readNBytes((int) maxFieldSize + 1);
            if (value.length > maxFieldSize) {
                throw UploadException.validation(name, "The " + name + " field may be at most "
                        + DataSize.ofBytes(maxFieldSize).format() + ".");
            }
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private void discard(UUID projectId, Upload created, UploadException failure) {
        try {
            uploads.forceDelete(projectId, created.uuid());
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
            LOG.warn("Could not delete upload {} of a failed request", created.uuid(), cleanup);
        }
    }

    /** Turns the parser's failures into the contract's codes; anything unexpected becomes {@code INTERNAL_ERROR}. */
    private UploadException translate(Exception e) {
        if (e instanceof UploadException ue) {
            return ue;
        }
        if (e instanceof InvalidPathException) {
            return UploadException.validation("filename", "The filename must not contain control characters.");
        }
        FileUploadSizeException tooLarge = find(e, FileUploadSizeException.class);
        if (tooLarge != null && isHeaderLimit(tooLarge)) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The headers of a part exceed "
                    + DataSize.ofBytes(partHeaderLimit()).format() + " or do not end.", e);
        }
        if (tooLarge != null) {
            return tooLarge(tooLarge);
        }
        if (e instanceof FileUploadContentTypeException) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The request is not multipart/form-data.", e);
        }
        if (e instanceof IOException) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                    "The multipart body is malformed or ended early.", e);
        }
        return new UploadException(ErrorCode.INTERNAL_ERROR, "The upload failed.", e);
    }

    /** Tells the part-header limit from the body and file limits: fileupload reports all three alike. */
    private boolean isHeaderLimit(FileUploadSizeException e) {
        return !(e instanceof FileUploadByteCountLimitException) && e.getPermitted() == partHeaderLimit()
                && e.getPermitted() != maxRequestSize;
    }

    private static UploadException tooLarge(FileUploadSizeException e) {
        String max = DataSize.ofBytes(Math.max(0, e.getPermitted())).format();
        String message = "The request exceeds the size limit of " + max + ".";
        return new UploadException(ErrorCode.FILE_TOO_LARGE, message, Map.of(FILE_FIELD, List.of(message)), e);
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
     * The file part's bytes. A size limit of the parser surfaces as {@code FILE_TOO_LARGE} (unchecked, so the
     * store passes it through); other read failures stay {@code IOException}s, which the service reports as
     * {@code PAYLOAD_MALFORMED}.
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
            FileUploadSizeException tooLarge = find(e, FileUploadSizeException.class);
            if (tooLarge != null) {
                throw tooLarge(tooLarge);
            }
            return e;
        }
    }
}
