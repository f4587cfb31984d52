package dev.uploadkit.core.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Wraps the client's stream so that its failures (a dropped connection, a truncated body) are told apart
 * from the store's: they surface as {@code PAYLOAD_MALFORMED}, which every store passes through unchanged.
 */
public final class SourceInputStream extends FilterInputStream {

    public SourceInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw broken(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw broken(e);
        }
    }

    private static UploadException broken(IOException e) {
        if (e.getCause() instanceof UploadException ue) {
            return ue;
        }
        return new UploadException(ErrorCode.PAYLOAD_MALFORMED, "The upload body ended early or could not be read.", e);
    }
}
