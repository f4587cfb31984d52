package dev.uploadkit.core.internal.net;

import dev.uploadkit.core.net.OutboundException;
import dev.uploadkit.core.net.OutboundException.Reason;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Turns a response body's IOExceptions into {@code UNREACHABLE}, so a reader sees one exception type. */
public final class UnreachableOnFailure extends FilterInputStream {
    private final String host;

    public UnreachableOnFailure(InputStream in, String host) {
        super(in);
        this.host = host;
    }

    /** Returns the {@code UNREACHABLE} failure of an exchange with {@code host} that failed with {@code e}. */
    public static OutboundException unreachable(String host, IOException e) {
        return new OutboundException(Reason.UNREACHABLE, "The exchange with '" + host + "' failed: "
                + e.getClass().getSimpleName() + ".", e);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw unreachable(host, e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw unreachable(host, e);
        }
    }
}
