package dev.uploadkit.core.storage;

import dev.uploadkit.core.UploadException;

import java.net.URI;

/**
 * The kinds of storage a project can connect, with their wire names. The S3-compatible ones all go through
 * jclouds' {@code aws-s3} provider and differ only in their defaults.
 */
public enum StorageProvider {
    S3("s3", "https://s3.amazonaws.com", "us-east-1", false),
    R2("r2", null, "auto", true),
    SPACES("spaces", null, "us-east-1", false),
    B2("b2", null, "us-west-004", true),
    WASABI("wasabi", "https://s3.wasabisys.com", "us-east-1", true),
    MINIO("minio", null, "us-east-1", true),
    /** A folder under one of the roots the server's administrator configured. */
    FILESYSTEM("filesystem", null, null, false),
    /** Objects in this server's memory, lost on restart; for tests, and only where the server allows it. */
    TRANSIENT("transient", null, null, false);

    private final String wireName;
    private final String defaultEndpoint;
    private final String defaultRegion;
    private final boolean defaultPathStyle;

    StorageProvider(String wireName, String defaultEndpoint, String defaultRegion, boolean defaultPathStyle) {
        this.wireName = wireName;
        this.defaultEndpoint = defaultEndpoint;
        this.defaultRegion = defaultRegion;
        this.defaultPathStyle = defaultPathStyle;
    }

    public String wireName() {
        return wireName;
    }

    /** Returns whether this provider speaks the S3 API (endpoint, region, bucket, keys). */
    public boolean isS3() {
        return this != FILESYSTEM && this != TRANSIENT;
    }

    /** Returns the endpoint used when a connection gives none, or null if this provider needs one. */
    public URI defaultEndpoint() {
        return defaultEndpoint == null ? null : URI.create(defaultEndpoint);
    }

    /** Returns the signing region used when a connection gives none (S3-compatible providers only). */
    public String defaultRegion() {
        return defaultRegion;
    }

    /** Returns whether path-style addressing is the default (self-hosted servers and most non-AWS services). */
    public boolean defaultPathStyle() {
        return defaultPathStyle;
    }

    /** Parses a wire name; throws {@code VALIDATION_ERROR} on field {@code provider} for anything else. */
    public static StorageProvider parse(String value) {
        for (StorageProvider p : values()) {
            if (p.wireName.equals(value)) {
                return p;
            }
        }
        throw UploadException.validation("provider", "The provider must be one of s3, r2, spaces, b2, wasabi, "
                + "minio, filesystem, transient; was " + value + ".");
    }
}
