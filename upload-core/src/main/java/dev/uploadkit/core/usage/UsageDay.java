package dev.uploadkit.core.usage;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A project's usage on one day (UTC).
 *
 * @param storageFiles files held at the day's last snapshot (trash included), or -1 if none was taken that day
 * @param storageBytes their bytes, or -1
 */
public record UsageDay(LocalDate day, long requests, long uploads, long uploadBytes, long downloads,
                       long downloadBytes, long storageFiles, long storageBytes) {
    public UsageDay {
        Objects.requireNonNull(day, "day");
    }
}
