package dev.uploadkit.standalone;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Tells when the server has answered its first request, so that a start can leave the work no answer needs (the
 * store's jclouds context, the background work) until then: on two cores, opening the store while the first request
 * loads its classes made that answer ~200 ms later.
 */
final class FirstAnswer extends Handler.Wrapper {
    private final CountDownLatch answered = new CountDownLatch(1);

    FirstAnswer(Handler handler) {
        super(handler);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (answered.getCount() == 0) {
            return super.handle(request, response, callback);
        }
        // Counted when the exchange completes, whether it succeeded or failed; a request nothing handles completes
        // through Jetty's error handling, which calls the same callback.
        return super.handle(request, response, Callback.from(callback, answered::countDown));
    }

    /**
     * Waits until the first request has been answered, or {@code atMost}; returns whether it was answered. An
     * interrupt ends the wait early and is kept.
     */
    boolean await(Duration atMost) {
        try {
            return answered.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
