package dev.uploadkit.core.internal;

import java.util.List;
import java.util.Locale;

/** Which detected types may be uploaded: exact types or {@code type/*} patterns; empty allows all. */
public record TypePolicy(List<String> allowed) {
    public TypePolicy {
        allowed = allowed.stream().map(p -> p.strip().toLowerCase(Locale.ROOT)).toList();
    }

    public boolean allows(String mime) {
        if (allowed.isEmpty()) {
            return true;
        }
        String m = mime.toLowerCase(Locale.ROOT);
        for (String pattern : allowed) {
            if (pattern.equals(m) || pattern.equals("*/*")
                    || (pattern.endsWith("/*") && m.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }
}
