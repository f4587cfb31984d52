package dev.uploadkit.jdbc.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Tells, without starting Flyway, whether every migration shipped for a vendor is already applied unchanged: the
 * history table holds each version as successful with the checksum Flyway computes (CRC32 of the file's lines).
 * Starting Flyway costs a large share of a start (its plugins and classpath scan); most starts find nothing to do.
 * Anything unexpected (a resource it cannot list, a missing table, another checksum) answers false, and Flyway
 * then migrates and validates as usual.
 */
final class MigrationCheck {
    private static final Pattern VERSIONED = Pattern.compile("V([0-9]+(?:[._][0-9]+)*)__.+\\.sql");

    private MigrationCheck() {
    }

    static boolean upToDate(DataSource dataSource, Vendor vendor) {
        try {
            Map<String, Integer> shipped = shipped(vendor);
            if (shipped == null || shipped.isEmpty()) {
                return false;
            }
            Map<String, Integer> applied = new HashMap<>();
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(historyQuery(vendor))) {
                while (rs.next()) {
                    applied.put(rs.getString(1), rs.getInt(2));
                }
            }
            return applied.equals(shipped);
        } catch (SQLException | IOException | RuntimeException e) {
            return false;
        }
    }

    /** Flyway quotes its names on H2, which would otherwise read them upper-cased. */
    private static String historyQuery(Vendor vendor) {
        String q = vendor == Vendor.H2 ? "\"" : "";
        return "SELECT " + q + "version" + q + ", " + q + "checksum" + q + " FROM " + q + Migrations.HISTORY_TABLE + q
                + " WHERE " + q + "success" + q + " = TRUE AND " + q + "type" + q + " = 'SQL'";
    }

    /** The shipped migrations' versions (as Flyway writes them, {@code 7.1}) and checksums; null if unlistable. */
    private static Map<String, Integer> shipped(Vendor vendor) throws IOException {
        String folder = vendor.migrationLocation().substring("classpath:".length());
        URL url = MigrationCheck.class.getClassLoader().getResource(folder + "/");
        if (url == null) {
            return null;
        }
        Map<String, Integer> result = new HashMap<>();
        if (url.getProtocol().equals("file")) {
            try (Stream<Path> files = Files.list(Path.of(url.getPath()))) {
                for (Path file : files.toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        add(result, file.getFileName().toString(), in);
                    }
                }
            }
            return result;
        }
        URLConnection connection = url.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return null;
        }
        connection.setUseCaches(false);
        try (var file = jar.getJarFile()) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (name.startsWith(folder + "/") && name.indexOf('/', folder.length() + 1) < 0 && !entry.isDirectory()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        add(result, name.substring(folder.length() + 1), in);
                    }
                }
            }
        }
        return result;
    }

    private static void add(Map<String, Integer> result, String fileName, InputStream in) throws IOException {
        Matcher m = VERSIONED.matcher(fileName);
        if (!m.matches()) {
            throw new IOException("Not a versioned migration: " + fileName);
        }
        result.put(m.group(1).replace('_', '.'), checksum(in));
    }

    /** Flyway's checksum: CRC32 over each line's UTF-8 bytes without its line break, a leading BOM dropped. */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (line != null && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        while (line != null) {
            crc.update(line.getBytes(StandardCharsets.UTF_8));
            line = reader.readLine();
        }
        return (int) crc.getValue();
    }
}
