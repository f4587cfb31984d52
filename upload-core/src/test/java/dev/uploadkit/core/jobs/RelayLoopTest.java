package dev.uploadkit.core.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's loop with an idle pause of an hour: after a round that relayed events it keeps polling at its busy
 * pause, also past rounds that found nothing (events of other processes arrive between its rounds), and a wake starts
 * a round. Nothing but those rules can start the rounds counted here within the test's time.
 */
class RelayLoopTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void keepsPollingAtTheBusyPauseAfterEventsEvenWhenARoundFindsNone() throws InterruptedException {
        // Round 1 relays one event; rounds 2 and 3 find nothing; the loop must still reach round 4 on its own.
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch fourRounds = new CountDownLatch(4);
        List<String> after = new CopyOnWriteArrayList<>();
        RelayLoop loop = new RelayLoop(() -> {
            int n = rounds.incrementAndGet();
            fourRounds.countDown();
            return n == 1 ? 1 : 0;
        }, HOUR, Duration.ofMillis(10), () -> after.add("after round " + rounds.get()));
        Thread thread = new Thread(loop, "relay-loop-test");
        thread.start();
        try {
            assertTrue(fourRounds.await(30, TimeUnit.SECONDS), "rounds so far: " + rounds.get());
            assertEquals(List.of("after round 1"), after, "told only after the round that relayed events");
        } finally {
            loop.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(!thread.isAlive(), "stop() ends the loop during its pause");
    }

    @Test
    void aWakeStartsARoundWhileIdle() throws InterruptedException {
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(2);
        RelayLoop loop = new RelayLoop(() -> {
            first.countDown();
            second.countDown();
            return 0;
        }, HOUR, Duration.ofMillis(10), () -> { });
        Thread thread = new Thread(loop, "relay-loop-test");
        thread.start();
        try {
            assertTrue(first.await(30, TimeUnit.SECONDS), "the first round runs at once");
            loop.wake();
            assertTrue(second.await(30, TimeUnit.SECONDS), "a wake starts the next round, not the hour's poll");
        } finally {
            loop.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(!thread.isAlive());
    }

    @Test
    void wakesSoonAfterARoundGatherIntoOneRoundAtTheBusyPause() throws InterruptedException {
        Duration busy = Duration.ofMillis(500);
        List<Long> starts = new CopyOnWriteArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(2);
        RelayLoop loop = new RelayLoop(() -> {
            starts.add(System.nanoTime());
            first.countDown();
            second.countDown();
            return 0;
        }, HOUR, busy, () -> { });
        Thread thread = new Thread(loop, "relay-loop-test");
        thread.start();
        try {
            assertTrue(first.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                loop.wake(); // five commits right after a round
            }
            assertTrue(second.await(30, TimeUnit.SECONDS), "the wakes start a round");
            long apart = starts.get(1) - starts.get(0);
            assertTrue(apart >= busy.toNanos(), "the second round waited for the busy pause: " + apart / 1_000_000 + " ms");
        } finally {
            loop.stop();
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(!thread.isAlive(), "stop() ends the gathering too");
        assertEquals(2, starts.size(), "five wakes, one round");
    }
}
