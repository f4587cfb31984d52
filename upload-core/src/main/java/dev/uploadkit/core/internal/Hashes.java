package dev.uploadkit.core.internal;

import dev.uploadkit.core.UploadException;

import java.util.HexFormat;
import java.util.regex.Pattern;

/** SHA-256 hashes as clients send them: 64 hex digits, optionally prefixed {@code sha256:} (in any case). */
public final class Hashes {
    private static final Pattern HEX_64 = Pattern.compile("[0-9a-fA-F]{64}");

    private Hashes() {
    }

    /**
     * Returns {@code hash} as 64 lower-case hex digits.
     *
     * @throws UploadException {@code VALIDATION_ERROR} on {@code field} for anything else
     */
    public static String normalizedSha256(String field, String hash) {
        String hex = hash == null ? "" : hash.strip();
        if (hex.regionMatches(true, 0, "sha256:", 0, "sha256:".length())) {
            hex = hex.substring("sha256:".length());
        }
        if (!HEX_64.matcher(hex).matches()) {
            throw UploadException.validation(field, "The " + field
                    + " must be 64 hexadecimal digits, optionally prefixed sha256:.");
        }
        return HexFormat.of().formatHex(HexFormat.of().parseHex(hex));
    }
}
