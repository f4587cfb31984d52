package dev.uploadkit.jdbc;

import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link UploadkitDatabase#sharedSecret}: one value per name for every instance on the database. */
class SharedSecretTest {

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void theFirstValueIsKeptAndEveryLaterCallReadsIt(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            AtomicInteger asked = new AtomicInteger();
            assertEquals("first-secret", db.database().sharedSecret("links", () -> {
                asked.incrementAndGet();
                return "first-secret";
            }));
            assertEquals("first-secret", db.database().sharedSecret("links", () -> {
                asked.incrementAndGet();
                return "second-secret";
            }));
            assertEquals(1, asked.get(), "a kept secret is read, not made again");
            assertEquals("other", db.database().sharedSecret("other.name_2-x", () -> "other"));
            assertEquals("first-secret", db.database().sharedSecret("links", () -> "third"));
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void instancesAskingAtOnceAllGetTheOneValueThatWon(TestDatabases.Kind kind) throws Exception {
        try (TestDatabase db = kind.open();
             UploadkitDatabase second = UploadkitDatabase.connect(db.jdbcUrl(), db.username(), db.password())) {
            int callers = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(callers);
            try {
                List<Future<String>> answers = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    UploadkitDatabase instance = i % 2 == 0 ? db.database() : second;
                    String mine = "secret-of-caller-" + i;
                    answers.add(pool.submit(() -> {
                        start.await();
                        return instance.sharedSecret("raced", () -> mine);
                    }));
                }
                start.countDown();
                Set<String> distinct = new HashSet<>();
                for (Future<String> answer : answers) {
                    distinct.add(answer.get());
                }
                assertEquals(1, distinct.size(), "every caller returns the same value: " + distinct);
                assertEquals(distinct.iterator().next(), second.sharedSecret("raced", () -> "late"));
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void badNamesAndValuesAreRefusedAndNothingIsKept(TestDatabases.Kind kind) {
        try (TestDatabase db = kind.open()) {
            UploadkitDatabase database = db.database();
            assertThrows(IllegalArgumentException.class, () -> database.sharedSecret("Upper", () -> "x"));
            assertThrows(IllegalArgumentException.class, () -> database.sharedSecret("", () -> "x"));
            assertThrows(IllegalArgumentException.class, () -> database.sharedSecret("a".repeat(65), () -> "x"));
            assertThrows(IllegalArgumentException.class, () -> database.sharedSecret("blank", () -> " "));
            assertThrows(IllegalArgumentException.class, () -> database.sharedSecret("long", () -> "x".repeat(513)));
            assertNotEquals("x", database.sharedSecret("blank", () -> "kept-after-a-refusal"));
        }
    }
}
