package dev.uploadkit.spring;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/** The checks {@link UploadProperties} applies to values as they are bound. */
final class PropertyChecks {
    private PropertyChecks() {
    }

    static Duration atLeastASecond(String property, Duration value, String example) {
        if (value == null || value.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException(property + ": '" + value + "' is too short; use a duration of at "
                    + "least 1s, such as " + example);
        }
        return value;
    }

    /** Returns whether {@code value} is an absolute http(s) URL with a host and without query or fragment. */
    static boolean isHttpBaseUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
