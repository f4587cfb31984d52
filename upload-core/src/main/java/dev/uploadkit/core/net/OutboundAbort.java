package dev.uploadkit.core.net;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;

/**
 * Lets another thread end an {@link OutboundHttp#open(java.net.URI, OutboundAbort) open} call at any point: while
 * it connects, waits for the answer's head, or while its body is read. {@link #abort()} closes the connection, so
 * the call (or the read) fails at once with {@link OutboundException.Reason#UNREACHABLE}; a connection made after
 * the abort is closed as soon as it exists. One per call; thread-safe.
 */
public final class OutboundAbort {
    private Socket socket;
    private boolean aborted;

    /** Aborts the call: closes its connection now, and any it would open later. Idempotent. */
    public void abort() {
        Socket open;
        synchronized (this) {
            aborted = true;
            open = socket;
        }
        closeQuietly(open);
    }

    /** Returns whether {@link #abort()} was called. */
    public synchronized boolean isAborted() {
        return aborted;
    }

    /** Makes {@code connection} the call's current one, or closes it and fails if the call was aborted. */
    void attach(Socket connection) throws SocketException {
        synchronized (this) {
            if (!aborted) {
                socket = connection;
                return;
            }
        }
        closeQuietly(connection);
        throw new SocketException("The call was aborted.");
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closed anyway
            }
        }
    }
}
