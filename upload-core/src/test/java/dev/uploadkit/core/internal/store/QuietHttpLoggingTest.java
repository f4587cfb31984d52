package dev.uploadkit.core.internal.store;

import org.jclouds.logging.Logger;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What jclouds' HTTP layer logs reaches SLF4J quieter: ERRORs as WARNs, a streamed PUT not retried at DEBUG. */
class QuietHttpLoggingTest {
    private final List<String> logged = new ArrayList<>();
    private final Logger recording = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(),
            new Class<?>[] {Logger.class}, (proxy, method, args) -> {
                if (method.getReturnType() == boolean.class) {
                    return true;
                }
                logged.add(method.getName() + " " + args[args[0] instanceof Throwable ? 1 : 0]);
                return null;
            });

    @Test
    void aRequestThatCannotBeRepeatedIsNotWorthAWarning() {
        Logger quiet = new QuietHttpLogging.Quiet(recording);

        quiet.warn(QuietHttpLogging.NOT_REPLAYABLE + ": %1$s", "PUT /bucket/key");
        quiet.warn("Retrying %s", "PUT /bucket/key");
        quiet.error("error after writing %d/%s bytes", 10, "20");

        assertEquals(List.of("debug " + QuietHttpLogging.NOT_REPLAYABLE + ": %1$s", "warn Retrying %s",
                "warn error after writing %d/%s bytes"), logged);
    }
}
