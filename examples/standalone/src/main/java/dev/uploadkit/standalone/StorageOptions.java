package dev.uploadkit.standalone;

import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.storage.StorageSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What projects may connect as their own storage, from the environment.
 *
 * @param masterKey {@code UPLOADKIT_MASTER_KEY}: seals storage and webhook secrets; empty = one kept in
 *     {@code <data-dir>/master.key}, generated on first start
 * @param previousMasterKeys {@code UPLOADKIT_MASTER_KEY_PREVIOUS}: comma-separated older keys, still opened; secrets
 *     sealed under them are sealed again under the current key at start
 * @param outboundAllow {@code UPLOADKIT_OUTBOUND_ALLOW}: addresses or CIDR ranges a storage endpoint may reach besides
 *     public ones
 * @param filesystemRoots {@code UPLOADKIT_STORAGE_ROOTS}: comma-separated folders {@code filesystem} connections may
 *     live under; empty = none allowed
 * @param allowTransient {@code UPLOADKIT_STORAGE_TRANSIENT=true} allows in-memory connections (tests)
 */
public record StorageOptions(Optional<String> masterKey, Optional<String> previousMasterKeys,
                             OutboundPolicy outboundAllow, List<Path> filesystemRoots, boolean allowTransient) {

    static final String USAGE = """
            Storage connections (bring your own bucket): UPLOADKIT_MASTER_KEY (32 bytes, base64 or hex; default a key
              kept in <data-dir>/master.key) seals their secrets and webhooks' signing secrets (instances sharing a
              database need the same key); UPLOADKIT_MASTER_KEY_PREVIOUS lists older keys during
              a rotation; UPLOADKIT_STORAGE_ROOTS lists folders filesystem connections may use;
              UPLOADKIT_STORAGE_TRANSIENT=true allows in-memory ones; endpoints must be public addresses unless
              UPLOADKIT_OUTBOUND_ALLOW lists them (e.g. 127.0.0.1/32,10.0.0.0/8).
            """;

    /**
     * Reads the options from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable that is wrong
     */
    static StorageOptions from(Map<String, String> env, OutboundPolicy outboundAllow) {
        Optional<String> masterKey = get(env, "UPLOADKIT_MASTER_KEY");
        Optional<String> previous = get(env, "UPLOADKIT_MASTER_KEY_PREVIOUS");
        masterKey.ifPresent(k -> SecretBox.parse(k, previous.orElse(null)));
        String transientFlag = get(env, "UPLOADKIT_STORAGE_TRANSIENT").orElse("false");
        if (!transientFlag.equals("true") && !transientFlag.equals("false")) {
            throw new IllegalArgumentException("UPLOADKIT_STORAGE_TRANSIENT: must be true or false, was '"
                    + transientFlag + "'");
        }
        List<Path> roots = get(env, "UPLOADKIT_STORAGE_ROOTS").map(v -> Arrays.stream(v.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).map(s -> Path.of(s).toAbsolutePath().normalize())
                .toList()).orElse(List.of());
        return new StorageOptions(masterKey, previous, outboundAllow, roots, transientFlag.equals("true"));
    }

    /** Returns the settings for the upload service, creating the roots and the master key file if needed. */
    StorageSettings settings(Path dataDir) throws IOException {
        for (Path root : filesystemRoots) {
            Files.createDirectories(root);
        }
        String key = masterKey.isPresent() ? masterKey.get() : keptMasterKey(dataDir.resolve("master.key"));
        return StorageSettings.defaults().withSecrets(SecretBox.parse(key, previousMasterKeys.orElse(null)))
                .withOutbound(outboundAllow).withFilesystemRoots(filesystemRoots).withTransient(allowTransient);
    }

    private static String keptMasterKey(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            }
            Files.writeString(file, SecretBox.generateKey(), StandardOpenOption.TRUNCATE_EXISTING);
        }
        String key = Files.readString(file).strip();
        try {
            SecretBox.parse(key, null);
        } catch (IllegalArgumentException e) {
            throw new UncheckedIOException(new IOException(file + " does not hold a 32-byte base64 master key; "
                    + "restore it (the storage secrets sealed under it cannot be opened otherwise)", e));
        }
        return key;
    }

    private static Optional<String> get(Map<String, String> env, String variable) {
        return Optional.ofNullable(env.get(variable)).map(String::strip).filter(v -> !v.isEmpty());
    }

    @Override
    public String toString() {
        return "StorageOptions[masterKey=" + (masterKey.isPresent() ? "***" : "<data-dir>/master.key")
                + ", previousMasterKeys=" + (previousMasterKeys.isPresent() ? "***" : "none") + ", outboundAllow="
                + outboundAllow.allowList() + ", filesystemRoots=" + filesystemRoots + ", allowTransient="
                + allowTransient + "]";
    }
}
