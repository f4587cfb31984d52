package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of a raw query string, decoded strictly: {@code +} is a space, {@code %XX} a byte, and the bytes
 * must be UTF-8. The container's own parameter parsing is not used because containers disagree on bad input
 * (Jetty throws, Tomcat drops the parameter) and because for a form-encoded body it would consume the body.
 */
final class QueryString {
    private final Map<String, String> first;

    private QueryString(Map<String, String> first) {
        this.first = first;
    }

    /**
     * Parses {@code raw} (may be null); the first value of a repeated name wins.
     *
     * @throws UploadException {@code PAYLOAD_MALFORMED} for a broken percent-escape or bytes that are not UTF-8
     */
    static QueryString parse(String raw) {
        Map<String, String> first = new LinkedHashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&", -1)) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                first.putIfAbsent(name, value);
            }
        }
        return new QueryString(first);
    }

    Optional<String> get(String name) {
        return Optional.ofNullable(first.get(name));
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                bytes.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw malformed();
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    encoded = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw malformed();
        }
    }

    private static UploadException malformed() {
        return new UploadException(ErrorCode.PAYLOAD_MALFORMED,
                "The query string is not valid: use %XX escapes of UTF-8 bytes.");
    }
}
