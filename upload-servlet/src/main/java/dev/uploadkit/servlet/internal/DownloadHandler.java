package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.Download;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.UploadStatus;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Principal;
import dev.uploadkit.core.store.ByteRange;
import dev.uploadkit.core.store.StoredObject;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET files/{uuid}/download}: the bytes, streamed through a fixed buffer.
 *
 * <p>Access, in this order: an authenticated caller with {@code files:read} (any file of its project); a
 * signed {@code token} (that one file, public or private, until it expires; a bad or expired token is
 * {@code 401}). With neither the answer is {@code 401}: a public file without a public base URL is reached through
 * the signed link of its {@code download_url} too (SPEC §3).
 *
 * <p>Types a browser would run as a page of this origin (HTML, SVG, XML, JavaScript) are always sent as
 * {@code attachment}, whatever the upload's {@code content_disposition}, so an upload cannot script the API's origin.
 */
final class DownloadHandler {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final UploadService uploads;
    private final DownloadTokens tokens;

    DownloadHandler(UploadService uploads, DownloadTokens tokens) {
        this.uploads = uploads;
        this.tokens = tokens;
    }

    void register(Router router) {
        router.add("GET", "files/{uuid}/download", Access.SELF, this::download);
    }

    private void download(Exchange ex) throws IOException {
        UUID uuid = ex.pathUuid("uuid", "File");
        Optional<Principal> principal = ex.optionalPrincipal();
        Optional<String> token = ex.query("token");
        UUID projectId;
        if (principal.isPresent()) {
            if (!principal.get().has(Permission.FILES_READ)) {
                throw Exchange.forbidden();
            }
            projectId = principal.get().projectId();
        } else if (token.isPresent()) {
            projectId = tokens.verify(uuid, token.get());
        } else {
            throw new UploadException(ErrorCode.UNAUTHENTICATED, "Downloading needs an API key or a signed token.");
        }
        Upload upload = uploads.get(projectId, uuid);
        if (upload.isTrashed() || upload.status() != UploadStatus.COMPLETED || upload.objectKey() == null) {
            throw notFound();
        }
        serve(ex, projectId, upload);
    }

    private void serve(Exchange ex, UUID projectId, Upload upload) throws IOException {
        HttpServletResponse resp = ex.response();
        Optional<String> etag = HttpHeaders.etag(upload.sha256());
        resp.setHeader("Accept-Ranges", "bytes");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.setHeader("Cache-Control", "private");
        etag.ifPresent(e -> resp.setHeader("ETag", e));
        if (etag.isPresent() && HttpHeaders.noneMatchHits(ex.request().getHeader("If-None-Match"), etag.get())) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            // RFC 9110 §8.6: a 304 may carry Content-Length only as the 200's, never the empty body's 0.
            resp.setContentLengthLong(upload.sizeBytes());
            return;
        }
        String rangeHeader = ex.request().getHeader("Range");
        if (etag.isEmpty() || !HttpHeaders.ifRangeHolds(ex.request().getHeader("If-Range"), etag.get())) {
            rangeHeader = null;
        }
        HttpHeaders.RangeRequest wanted = HttpHeaders.range(rangeHeader, upload.sizeBytes());
        if (wanted instanceof HttpHeaders.RangeRequest.Unsatisfiable) {
            resp.setHeader("Content-Range", "bytes */" + upload.sizeBytes());
            String message = "The range is beyond the end of the file (" + upload.sizeBytes() + " bytes).";
            // HTTP's own status, with the contract's envelope (its code is the one for a value out of range).
            Json.error(ex.request(), resp, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE,
                    ErrorCode.VALIDATION_ERROR, message, Map.of("range", List.of(message)));
            return;
        }
        // Only on the bytes: neither a 304 nor the JSON of a 416 is the file.
        resp.setHeader("Content-Disposition", HttpHeaders.contentDisposition(
                HttpHeaders.isActiveContent(upload.mimeType()) ? ContentDisposition.ATTACHMENT
                        : upload.contentDisposition(), upload.filename()));
        Optional<ByteRange> range = wanted instanceof HttpHeaders.RangeRequest.Part part
                ? Optional.of(part.range()) : Optional.empty();
        try (Download download = uploads.open(projectId, upload.uuid(), range)) {
            StoredObject content = download.content();
            if (content.range().isPresent()) {
                ByteRange served = content.range().get();
                resp.setStatus(HttpServletResponse.SC_PARTIAL_CONTENT);
                resp.setHeader("Content-Range",
                        "bytes " + served.first() + "-" + served.last() + "/" + content.totalSize());
            } else {
                resp.setStatus(HttpServletResponse.SC_OK);
            }
            String mime = download.upload().mimeType();
            resp.setContentType(mime == null ? "application/octet-stream" : mime);
            resp.setContentLengthLong(content.contentLength());
            if (!ex.isHead()) {
                copy(content.content(), resp.getOutputStream());
                ex.transferred(content.contentLength());
            }
        }
    }

    private static void copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER_SIZE];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
    }

    private static UploadException notFound() {
        return UploadException.notFound("File");
    }
}
