package dev.uploadkit.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest {
    @Test
    void readsShortFormsAndIso8601() {
        assertEquals(Duration.ofSeconds(90), Durations.parse("X", "90s"));
        assertEquals(Duration.ofMinutes(10), Durations.parse("X", "10m"));
        assertEquals(Duration.ofHours(24), Durations.parse("X", " 24h "));
        assertEquals(Duration.ofDays(30), Durations.parse("X", "30d"));
        assertEquals(Duration.ofMillis(500), Durations.parse("X", "500ms"));
        assertEquals(Duration.ofHours(24), Durations.parse("X", "PT24H"));
        assertEquals(Duration.ofDays(30), Durations.parse("X", "p30d"));
    }

    @Test
    void refusesAnythingElseNamingTheProperty() {
        for (String bad : new String[] {"", "30", "30 days", "-5s", "1w", "PT"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Durations.parse("UPLOADKIT_TRASH_RETENTION", bad));
            assertTrue(e.getMessage().startsWith("UPLOADKIT_TRASH_RETENTION: '" + bad + "'"), e.getMessage());
        }
    }
}
