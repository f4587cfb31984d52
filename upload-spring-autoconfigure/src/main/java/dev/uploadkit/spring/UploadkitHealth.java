package dev.uploadkit.spring;

import dev.uploadkit.core.store.FileStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Whether Uploadkit can work: its catalog database answers and its default store can be read. The Actuator health
 * indicators of Boot 3.5 and 4.0 both report this; it uses no Actuator type itself.
 *
 * <p>A failed check carries a reason made of the exception's type and message, with every configured secret
 * (passwords, keys) and any {@code password=}/{@code secret=} parameter masked, so health output never shows one.
 */
final class UploadkitHealth {
    /** A key no upload uses: looking it up proves the store answers without needing an object. */
    static final String PROBE_KEY = "uploadkit-health-probe/absent";
    private static final int VALIDATION_SECONDS = 5;
    private static final Pattern SECRET_PARAMETER =
            Pattern.compile("(?i)((?:password|passwd|pwd|secret|secret[-_]?key|token)=)[^;&\\s,]*");

    private final DataSource catalog;
    private final FileStore store;
    private final List<String> secrets;

    /** The outcome of one check; {@code details} hold no secret. */
    record Result(boolean up, Map<String, Object> details) {
        Result {
            details = Map.copyOf(details);
        }
    }

    UploadkitHealth(DataSource catalog, FileStore store, List<String> secrets) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.store = Objects.requireNonNull(store, "store");
        this.secrets = secrets.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** Checks the catalog and the store; blocks for up to a few seconds per unreachable part. */
    Result check() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = true;
        try (Connection connection = catalog.getConnection()) {
            if (connection.isValid(VALIDATION_SECONDS)) {
                details.put("catalog", "UP");
            } else {
                up = false;
                details.put("catalog", "DOWN");
                details.put("catalogError", "the connection did not answer within " + VALIDATION_SECONDS + " s");
            }
        } catch (Exception e) {
            up = false;
            details.put("catalog", "DOWN");
            details.put("catalogError", reason(e));
        }
        details.put("store", store.id());
        try {
            store.size(PROBE_KEY);
            details.put("storeStatus", "UP");
        } catch (RuntimeException e) {
            up = false;
            details.put("storeStatus", "DOWN");
            details.put("storeError", reason(e));
        }
        return new Result(up, details);
    }

    private String reason(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e) {
            text += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return mask(text);
    }

    String mask(String text) {
        String masked = SECRET_PARAMETER.matcher(text).replaceAll("$1******");
        for (String secret : secrets) {
            masked = masked.replace(secret, "******");
        }
        return masked;
    }
}
