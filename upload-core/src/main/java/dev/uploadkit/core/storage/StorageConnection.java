package dev.uploadkit.core.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A project's own storage ("bring your own bucket"): where its bytes go and how to reach them. Its
 * {@link #id()}, as a string, is the store id recorded on its blobs and uploads ({@code storage_id}).
 *
 * @param endpoint the S3 endpoint URL, or for {@code filesystem} the server root the folder lives under; null for
 *     {@code transient}
 * @param region the S3 signing region; null for the other providers
 * @param bucket the S3 bucket, or the folder name of a {@code filesystem} connection
 * @param accessKey the S3 access key id; null for the other providers
 * @param sealedSecret the S3 secret key sealed by a {@link SecretBox} ({@code uk1.<key id>.<nonce>.<ciphertext>});
 *     never the plaintext, never shown to clients; null for the other providers
 * @param publicBaseUrl the URL objects of public files are served at ({@code <publicBaseUrl>/<object key>}), or
 *     null to serve them through signed links
 * @param isDefault whether the project's uploads go here unless they name another storage
 */
public record StorageConnection(UUID id, UUID projectId, String name, StorageProvider provider, String endpoint,
                                String region, String bucket, String accessKey, String sealedSecret,
                                String publicBaseUrl, boolean pathStyle, boolean isDefault, Instant createdAt,
                                Instant updatedAt) {
    public StorageConnection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** Returns the id recorded as {@code storage_id} on blobs and uploads. */
    public String storageId() {
        return id.toString();
    }

    /** Returns a copy with {@code isDefault} and {@code updatedAt} changed. */
    public StorageConnection withDefault(boolean value, Instant at) {
        return new StorageConnection(id, projectId, name, provider, endpoint, region, bucket, accessKey, sealedSecret,
                publicBaseUrl, pathStyle, value, createdAt, at);
    }

    /** Returns a copy with another sealed secret. */
    public StorageConnection withSealedSecret(String value) {
        return new StorageConnection(id, projectId, name, provider, endpoint, region, bucket, accessKey, value,
                publicBaseUrl, pathStyle, isDefault, createdAt, updatedAt);
    }

    @Override
    public String toString() {
        return "StorageConnection[id=" + id + ", project=" + projectId + ", provider=" + provider.wireName()
                + ", endpoint=" + endpoint + ", bucket=" + bucket + "]";
    }
}
