package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.DataSize;
import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.ReceivedUpload;
import dev.uploadkit.core.UploadRequest;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.internal.SizeLimitedInputStream;
import dev.uploadkit.core.internal.Problems;
import dev.uploadkit.servlet.internal.MultipartParser.LimitExceededException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Receives {@code POST files/upload}: walks the multipart body with {@link MultipartParser}, validating fields
 * as they arrive. A file part of at most {@link #SMALL_FILE} bytes is held until the form ends and then stored
 * with every field, so it is written once under its final key; a larger one streams straight into
 * {@link UploadService#receive} as it arrives. Nothing else is buffered beyond one form field.
 *
 * <p>A streamed upload is completed when the form ends, with every field whatever its place, so a {@code folder}
 * sent after the file still names the stored object. If anything fails (an invalid field, a second file, a
 * malformed or truncated body), the received upload is aborted before the error is answered, so a failed request
 * leaves no file and no record.
 *
 * <p>A cancel aborts the upload without waiting for the thread reading the file part ahead, which a stalled client
 * may hold in a read for long. The failure is then answered at once (with {@code Connection: close}), and only then
 * does the request wait for that read to return (the container's idle timeout at most): the request is not handed
 * back to the container while another thread still reads its body.
 */
final class MultipartUpload {
    private static final Logger LOG = LoggerFactory.getLogger(MultipartUpload.class);
    private static final String FILE_FIELD = "file";
    /** The longest wait for a read of a cancelled upload's body to return, beyond any container's idle timeout. */
    private static final Duration RELEASE_WAIT = Duration.ofMinutes(2);
    /** The most bytes of a body refused on its length that are read anyway, so that its client gets the answer. */
    static final long DRAIN_LIMIT = 32L * 1024 * 1024;
    /**
     * A file part up to this size is held until the form ends and then stored once, under the key its fields
     * name whatever their order: no move (or server-side copy on S3) when fields follow it, as in the seed's curl.
     * It is what type detection reads of any file anyway.
     */
    static final int SMALL_FILE = 64 * 1024;

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

    Upload receive(Exchange ex) throws IOException {
        HttpServletRequest request = ex.request();
        UUID projectId = ex.principal().projectId();
        requireMultipart(request);
        if (request.getContentLengthLong() > maxRequestSize) {
            drainUnread(ex);
            throw tooLarge(maxRequestSize, fileLimit(), null);
        }
        String boundary = MultipartParser.boundary(Exchange.contentType(request)).orElseThrow(() -> new UploadException(
                ErrorCode.PAYLOAD_MALFORMED, "The multipart Content-Type has no valid boundary parameter."));
        UploadForm form = new UploadForm(projectId);
        Problems problems = new Problems();
        ReceivedUpload received = null;
        byte[] small = null;
        PartStream file = null;
        int parts = 0;
        try {
            MultipartParser items = new MultipartParser(request.getInputStream(), boundary, partHeaderLimit(),
                    maxRequestSize, request.getContentLengthLong());
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
                    if (received != null || small != null) {
                        throw UploadException.validation(FILE_FIELD, "Only one file may be uploaded per request.");
                    }
                    MultipartParser.Part part = item;
                    long expectedLength = items.contentLengthIfLast();
                    UploadRequest sofar = problems.attempt(() -> form.request(partFilename(part)));
                    file = new PartStream(item.body(), fileLimit());
                    byte[] head = file.readNBytes(SMALL_FILE + 1);
                    if (head.length <= SMALL_FILE) {
                        small = head; // stored once the form has ended, under every field's say
                    } else {
                        problems.throwIfAny(); // nothing is streamed for a form already known to be refused
                        received = uploads.receive(sofar,
                                new SequenceInputStream(new ByteArrayInputStream(head), file), expectedLength);
                    }
                } else if (UploadForm.knows(name)) {
                    field(form, problems, name, item);
                } else {
                    skip(item); // unknown fields are ignored, whatever they hold (a thumbnail, another input)
                }
            }
            if (parts == 0) {
                throw new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The multipart body has no parts.");
            }
            if (received == null && small == null) {
                if (problems.isEmpty()) {
                    throw new UploadException(ErrorCode.VALIDATION_ERROR, "The file is required.",
                            Map.of(FILE_FIELD, List.of("The file field is required.")), null);
                }
                problems.add(FILE_FIELD, "The file field is required.");
            }
            UploadRequest whole = problems.isEmpty() ? problems.attempt(form::finalRequest) : null;
            problems.throwIfAny(); // every bad field at once
            Upload stored;
            if (small != null) {
                stored = uploads.upload(whole, small);
            } else {
                ReceivedUpload completing = received;
                received = null; // complete cleans up after itself when it fails
                stored = completing.complete(whole);
            }
            request.setAttribute(RecordStep.UPLOADED_BYTES, stored.sizeBytes());
            return stored;
        } catch (IOException | RuntimeException e) {
            UploadException failure = translate(e);
            if (received != null) {
                abort(received, failure);
            }
            if (file != null && !file.releaseIfIdle()) {
                answerNow(ex, failure);
                if (!file.release(RELEASE_WAIT)) {
                    LOG.warn("The body of request {} was still being read {} after it was answered",
                            ex.requestId(), RELEASE_WAIT);
                }
            }
            throw failure;
        }
    }

    /**
     * Reads and drops up to {@value #DRAIN_LIMIT} bytes of the body of a request about to be refused unread: a client
     * still sending when the connection closes with its bytes unread gets a reset, and some (the JDK's HttpClient,
     * scripts on raw sockets) then report the failed write instead of the answer. Read before answering, as Tomcat
     * stops reading a request once an error answer that drops the connection is committed. Not for a client waiting
     * for {@code 100 Continue}, which sends no body until asked and is answered at once.
     */
    private static void drainUnread(Exchange ex) {
        if (RequestBodies.awaitsContinue(ex.request())) {
            return;
        }
        try {
            InputStream body = ex.request().getInputStream();
            byte[] scratch = new byte[64 * 1024];
            long left = DRAIN_LIMIT;
            for (int n; left > 0 && (n = body.read(scratch, 0, (int) Math.min(scratch.length, left))) >= 0; ) {
                left -= n;
            }
        } catch (IOException gone) {
            LOG.debug("The client of request {} went away before its refusal", ex.requestId());
        }
    }

    /** Answers {@code failure} now, before the request ends, and closes the connection after it. */
    private static void answerNow(Exchange ex, UploadException failure) throws IOException {
        ErrorResponder.respond(ex.request(), ex.response(), ex.requestId(), failure);
        ex.response().setHeader("Connection", "close");
        ex.response().flushBuffer();
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
        // The headers were read as UTF-8: a replacement character stands for bytes that were not.
        if (filename != null && filename.indexOf('\uFFFD') >= 0) {
            throw UploadException.validation("filename", "The filename must be UTF-8 text.");
        }
        return filename;
    }

    /** Reads and records one known field; a bad one is noted in {@code problems}, and the form read on. */
    private void field(UploadForm form, Problems problems, String name, MultipartParser.Part item) throws IOException {
        String value;
        try {
            value = readField(item, name);
        } catch (UploadException e) {
            problems.add(e);
            return;
        }
        problems.attempt(() -> {
            form.field(name, value);
            return null;
        });
    }

    private static void skip(MultipartParser.Part item) throws IOException {
        try (InputStream in = item.body()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
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
            return tooLarge(limit.permitted(), fileLimit(), e);
        }
        if (e instanceof IOException) {
            return new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                    "The multipart body is malformed or ended early.", e);
        }
        return new UploadException(ErrorCode.INTERNAL_ERROR, "The upload failed.", e);
    }

    /** The service's size limit of one file, in bytes. */
    private long fileLimit() {
        return uploads.maxFileSize().bytes();
    }

    /**
     * The answer to a request over {@code permitted} bytes. The request's limit is the file's plus room for the other
     * fields (unless the host set it lower): a request over it holds a file over the file's limit, which the
     * message names, rather than a request size the client never configured.
     */
    private static UploadException tooLarge(long permitted, long fileLimit, Exception cause) {
        if (permitted >= fileLimit) {
            UploadException file = SizeLimitedInputStream.tooLarge(fileLimit);
            return cause == null ? file : new UploadException(file.code(), file.getMessage(), file.details(), cause);
        }
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
        private final long fileLimit;
        private int reading;
        private boolean released;

        PartStream(InputStream in, long fileLimit) {
            super(in);
            this.fileLimit = fileLimit;
        }

        @Override
        public int read() throws IOException {
            enter();
            try {
                return super.read();
            } catch (IOException e) {
                throw rethrow(e);
            } finally {
                leave();
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            enter();
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw rethrow(e);
            } finally {
                leave();
            }
        }

        private synchronized void enter() throws IOException {
            if (released) {
                throw new IOException("The request was answered; its body is no longer read.");
            }
            reading++;
        }

        private synchronized void leave() {
            reading--;
            notifyAll();
        }

        /** Refuses reads from now on and returns true, unless a read (the read-ahead's) is in progress. */
        synchronized boolean releaseIfIdle() {
            released |= reading == 0;
            return released;
        }

        /** Waits until no read is in progress, at most {@code timeout}, and refuses reads from now on. */
        synchronized boolean release(Duration timeout) throws InterruptedIOException {
            released = true;
            long deadline = System.nanoTime() + timeout.toNanos();
            try {
                for (long left = timeout.toMillis(); reading > 0 && left > 0;
                     left = (deadline - System.nanoTime()) / 1_000_000) {
                    wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the request body's reader");
            }
            return reading == 0;
        }

        private IOException rethrow(IOException e) {
            LimitExceededException limit = find(e, LimitExceededException.class);
            if (limit != null) {
                throw tooLarge(limit.permitted(), fileLimit, e);
            }
            return e;
        }
    }
}
