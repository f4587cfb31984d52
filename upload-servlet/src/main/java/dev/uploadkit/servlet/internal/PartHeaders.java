package dev.uploadkit.servlet.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a form needs from the headers of one multipart part (RFC 7578 §4.2): the field name and filename of its
 * {@code Content-Disposition: form-data}, and its {@code Content-Type}.
 *
 * <p>Internal: public only so that the benchmark module can use {@link MultipartParser}; it may change without
 * notice.
 *
 * @param name        the {@code name} parameter, stripped of surrounding whitespace; {@code null} when the part
 *                    has no {@code form-data} disposition or no name
 * @param filename    {@code filename*} (RFC 5987, UTF-8 or ISO-8859-1) when present and decodable, else
 *                    {@code filename} ({@code ""} when it has no value), stripped of surrounding whitespace but
 *                    otherwise exactly as sent: paths and control characters are left for the caller to judge;
 *                    {@code null} when the part names no file
 * @param contentType the part's {@code Content-Type}, or {@code null}
 */
public record PartHeaders(String name, String filename, String contentType) {

    /**
     * Parses a header section: CRLF-separated {@code Name: value} lines in UTF-8 (RFC 7578 §5.1 allows it for
     * filenames, and browsers send them so), continuation lines folded in. Lines without a colon are skipped
     * and of repeated headers the first counts, as commons-fileupload did.
     */
    static PartHeaders parse(byte[] section, int length) {
        Map<String, String> headers = new LinkedHashMap<>();
        String lastName = null;
        for (String line : new String(section, 0, length, StandardCharsets.UTF_8).split("\r\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                if (lastName != null) {
                    headers.computeIfPresent(lastName, (k, v) -> v + " " + line.strip());
                }
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                lastName = null;
                continue;
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            lastName = headers.containsKey(name) ? null : name;
            headers.putIfAbsent(name, line.substring(colon + 1).strip());
        }
        String disposition = headers.get("content-disposition");
        if (disposition == null || !"form-data".equalsIgnoreCase(type(disposition))) {
            return new PartHeaders(null, null, headers.get("content-type"));
        }
        Map<String, String> params = parameters(disposition);
        String name = params.get("name");
        String filename = extendedValue(params.get("filename*"));
        if (filename == null) {
            filename = params.get("filename");
        }
        return new PartHeaders(name == null ? null : name.strip(), filename == null ? null : filename.strip(),
                headers.get("content-type"));
    }

    /** Returns the type of a header value with parameters: what precedes the first {@code ;}, stripped. */
    static String type(String headerValue) {
        int semicolon = headerValue.indexOf(';');
        return (semicolon < 0 ? headerValue : headerValue.substring(0, semicolon)).strip();
    }

    /**
     * Returns the parameters after the type of a header value such as {@code form-data; name="a"; filename=b}:
     * names in lower case, values unquoted, the first occurrence of a name winning. A parameter without
     * {@code =} has the value {@code ""}. In quoted strings only {@code \"} and {@code \\} are escapes: old
     * browsers send Windows paths unescaped, and turning {@code C:\dir\x} into {@code C:dirx} would hide the
     * path from the filename check.
     */
    static Map<String, String> parameters(String headerValue) {
        Map<String, String> params = new LinkedHashMap<>();
        int i = headerValue.indexOf(';');
        int n = headerValue.length();
        while (i >= 0 && i < n) {
            i++;
            int nameStart = i;
            while (i < n && headerValue.charAt(i) != '=' && headerValue.charAt(i) != ';') {
                i++;
            }
            String name = headerValue.substring(nameStart, i).strip().toLowerCase(Locale.ROOT);
            String value = "";
            if (i < n && headerValue.charAt(i) == '=') {
                i++;
                while (i < n && (headerValue.charAt(i) == ' ' || headerValue.charAt(i) == '\t')) {
                    i++;
                }
                if (i < n && headerValue.charAt(i) == '"') {
                    StringBuilder quoted = new StringBuilder();
                    i = unquote(headerValue, i + 1, quoted);
                    value = quoted.toString();
                    i = semicolonOrEnd(headerValue, i);
                } else {
                    int end = semicolonOrEnd(headerValue, i);
                    value = headerValue.substring(i, end).strip();
                    i = end;
                }
            }
            if (!name.isEmpty()) {
                params.putIfAbsent(name, value);
            }
        }
        return params;
    }

    private static int semicolonOrEnd(String s, int from) {
        int i = s.indexOf(';', from);
        return i < 0 ? s.length() : i;
    }

    /** Appends the content of a quoted string starting at {@code i} (after the quote); returns the index after it. */
    private static int unquote(String s, int i, StringBuilder out) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < n && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '\\')) {
                c = s.charAt(++i);
            }
            out.append(c);
            i++;
        }
        return n;
    }

    /**
     * Decodes an RFC 5987 value ({@code UTF-8'en'na%C3%AFve.txt}); {@code null} when absent, in another charset
     * or badly encoded, so that the plain {@code filename} is used instead.
     */
    static String extendedValue(String value) {
        if (value == null) {
            return null;
        }
        int first = value.indexOf('\'');
        int second = first < 0 ? -1 : value.indexOf('\'', first + 1);
        if (second < 0) {
            return null;
        }
        String charsetName = value.substring(0, first).strip();
        Charset charset;
        if (charsetName.equalsIgnoreCase("UTF-8")) {
            charset = StandardCharsets.UTF_8;
        } else if (charsetName.equalsIgnoreCase("ISO-8859-1")) {
            charset = StandardCharsets.ISO_8859_1;
        } else {
            return null;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String encoded = value.substring(second + 1);
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                int hi = i + 2 < encoded.length() ? hex(encoded.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hex(encoded.charAt(i + 2));
                if (lo < 0) {
                    return null;
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                return null;
            }
        }
        return bytes.toString(charset);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }
}
