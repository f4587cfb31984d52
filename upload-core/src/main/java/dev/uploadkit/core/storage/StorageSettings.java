package dev.uploadkit.core.storage;

import dev.uploadkit.core.net.OutboundPolicy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a server allows projects to connect as their own storage.
 *
 * @param secrets seals connections' secret keys; null refuses connections that need one (every S3 provider)
 * @param outbound the addresses an S3 endpoint may resolve to (SPEC §5): by default only public ones, so a tenant
 *     cannot aim a connection at the metadata service or a private host
 * @param filesystemRoots the folders {@code filesystem} connections may live under (each project gets its own
 *     sub-folder of a root); empty refuses {@code filesystem} connections
 * @param allowTransient whether {@code transient} (in-memory) connections are allowed; for tests
 * @param checkTimeout how long a connectivity check ({@code POST storage/{id}/test}) waits for the storage before it
 *     answers with the step that did not finish (default {@link #DEFAULT_CHECK_TIMEOUT})
 */
public record StorageSettings(SecretBox secrets, OutboundPolicy outbound, List<Path> filesystemRoots,
                              boolean allowTransient, Duration checkTimeout) {
    /** A storage that has not answered a check's step within this long is reported as failing at that step. */
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(30);

    public StorageSettings {
        Objects.requireNonNull(outbound, "outbound");
        filesystemRoots = filesystemRoots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        if (checkTimeout == null || checkTimeout.isNegative() || checkTimeout.isZero()) {
            throw new IllegalArgumentException("checkTimeout must be positive, was " + checkTimeout);
        }
    }

    public StorageSettings(SecretBox secrets, OutboundPolicy outbound, List<Path> filesystemRoots,
                           boolean allowTransient) {
        this(secrets, outbound, filesystemRoots, allowTransient, DEFAULT_CHECK_TIMEOUT);
    }

    /** No master key (S3 connections refused), public endpoints only, no filesystem roots, no transient stores. */
    public static StorageSettings defaults() {
        return new StorageSettings(null, OutboundPolicy.defaults(), List.of(), false);
    }

    public StorageSettings withSecrets(SecretBox value) {
        return new StorageSettings(value, outbound, filesystemRoots, allowTransient, checkTimeout);
    }

    public StorageSettings withOutbound(OutboundPolicy value) {
        return new StorageSettings(secrets, value, filesystemRoots, allowTransient, checkTimeout);
    }

    public StorageSettings withFilesystemRoots(List<Path> value) {
        return new StorageSettings(secrets, outbound, value, allowTransient, checkTimeout);
    }

    public StorageSettings withTransient(boolean value) {
        return new StorageSettings(secrets, outbound, filesystemRoots, value, checkTimeout);
    }

    public StorageSettings withCheckTimeout(Duration value) {
        return new StorageSettings(secrets, outbound, filesystemRoots, allowTransient, value);
    }
}
