package dev.uploadkit.core.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how to reach an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, DigitalOcean Spaces, Backblaze
 * B2, Wasabi, …).
 *
 * <p>The constructor validates every value and throws {@link IllegalArgumentException} with a message naming the
 * property, the bad value (never a secret) and the fix. {@link #toString()} never shows the secret key.
 *
 * @param endpoint the service's base URI, {@code http} or {@code https}, without credentials, query or fragment;
 *     {@link #AWS_ENDPOINT} for AWS itself
 * @param region the signing region, such as {@code us-east-1}, or {@code auto} for R2
 * @param bucket the bucket name (3–63 characters of {@code a-z 0-9 . -}); created if missing
 * @param accessKey the access key id
 * @param secretKey the secret access key
 * @param pathStyle {@code true} to address the bucket as {@code endpoint/bucket/key} rather than
 *     {@code bucket.endpoint/key}; required for IP-address endpoints and most self-hosted servers
 * @param partSizeBytes the size of each multipart part, and of each part buffer an upload holds in memory; at
 *     least {@link #MIN_PART_SIZE_BYTES}, at most {@link #MAX_PART_SIZE_BYTES}
 * @param partBuffers how many part buffers one upload may hold, and so how many of its parts are sent at once
 *     while the next one is read: an upload holds at most {@code partBuffers × partSizeBytes} bytes of heap, and
 *     the uploads of the process together at most a quarter of the maximum heap (beyond it an upload sends its
 *     parts one after another, or waits for a first buffer); 1–{@value #MAX_PART_BUFFERS}, 1 sends parts one
 *     after another
 * @param signPayload {@code true} to put each request body's SHA-256 into its V4 signature, an extra pass over
 *     every byte uploaded; {@code false} to send bodies as {@code UNSIGNED-PAYLOAD}, leaving their integrity to
 *     TLS. By default {@code false} for {@code https} endpoints, as the AWS SDKs do, and for loopback ones
 *     ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}), where no one can alter the bytes on the way;
 *     {@code true} for other {@code http} endpoints
 */
public record S3Settings(URI endpoint, String region, String bucket, String accessKey, String secretKey,
                         boolean pathStyle, long partSizeBytes, int partBuffers, boolean signPayload) {

    /** The endpoint of AWS S3 itself. */
    public static final URI AWS_ENDPOINT = URI.create("https://s3.amazonaws.com");
    /** The region used when none is given. */
    public static final String DEFAULT_REGION = "us-east-1";
    /** The smallest part S3 accepts (except for the last part of an upload): 5 MiB. */
    public static final long MIN_PART_SIZE_BYTES = 5L * 1024 * 1024;
    /** The part size used when none is given: 8 MiB. */
    public static final long DEFAULT_PART_SIZE_BYTES = 8L * 1024 * 1024;
    /** The largest part size allowed here: 1 GiB, since each upload buffers parts in memory. */
    public static final long MAX_PART_SIZE_BYTES = 1024L * 1024 * 1024;
    /** The number of part buffers used when none is given: up to 4 parts of an upload in flight at once. */
    public static final int DEFAULT_PART_BUFFERS = 4;
    /** The most part buffers one upload may hold. */
    public static final int MAX_PART_BUFFERS = 16;

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public S3Settings {
        Objects.requireNonNull(endpoint, "endpoint must not be null; use S3Settings.AWS_ENDPOINT for AWS S3");
        checkEndpoint(endpoint);
        if (region == null || !REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region: '" + region + "' is not a region name; use the provider's "
                    + "region such as 'us-east-1' (AWS, MinIO) or 'auto' (Cloudflare R2)");
        }
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("bucket: '" + bucket + "' is not a valid bucket name; use 3-63 "
                    + "characters of lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
        if (accessKey == null || accessKey.isBlank()) {
            throw new IllegalArgumentException("accessKey: must not be blank; set the access key id of the bucket's "
                    + "credentials");
        }
        if (secretKey == null || secretKey.isBlank()) {
            throw new IllegalArgumentException("secretKey: must not be blank; set the secret access key of the "
                    + "bucket's credentials");
        }
        if (partSizeBytes < MIN_PART_SIZE_BYTES || partSizeBytes > MAX_PART_SIZE_BYTES) {
            throw new IllegalArgumentException("partSizeBytes: " + partSizeBytes + " is out of range; S3 needs parts "
                    + "of at least " + MIN_PART_SIZE_BYTES + " bytes (5 MiB), and each upload holds parts in "
                    + "memory, so at most " + MAX_PART_SIZE_BYTES + " (1 GiB); the default is "
                    + DEFAULT_PART_SIZE_BYTES);
        }
        if (partBuffers < 1 || partBuffers > MAX_PART_BUFFERS) {
            throw new IllegalArgumentException("partBuffers: " + partBuffers + " is out of range; use 1 (parts sent "
                    + "one after another) to " + MAX_PART_BUFFERS + ", each costing partSizeBytes of heap per "
                    + "upload; the default is " + DEFAULT_PART_BUFFERS);
        }
        if (!pathStyle && isIpLiteral(endpoint.getHost())) {
            throw new IllegalArgumentException("pathStyle: false does not work with endpoint " + endpoint + ", an IP "
                    + "address cannot carry the bucket as a subdomain; set pathStyle to true");
        }
    }

    /**
     * Returns a builder with the defaults: AWS endpoint, region {@code us-east-1}, virtual-host style, 8 MiB parts,
     * 4 part buffers, payloads signed over {@code http} only.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder initialised with these settings. */
    public Builder toBuilder() {
        return new Builder().endpoint(endpoint).region(region).bucket(bucket).accessKey(accessKey)
                .secretKey(secretKey).pathStyle(pathStyle).partSizeBytes(partSizeBytes).partBuffers(partBuffers)
                .signPayload(signPayload);
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + ", accessKey="
                + accessKey + ", secretKey=****, pathStyle=" + pathStyle + ", partSizeBytes=" + partSizeBytes
                + ", partBuffers=" + partBuffers + ", signPayload=" + signPayload + "]";
    }

    private static void checkEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && endpoint.getHost() == null
                && endpoint.getRawAuthority() != null) {
            // java.net.URI takes no host whose last label starts with a digit: a shortened IPv4 such as 127.1.
            throw new IllegalArgumentException("endpoint: the host of '" + endpoint + "' is not a name or a full "
                    + "address; write an IP address with its four parts, for example http://127.0.0.1:9000");
        }
        if ((!scheme.equals("http") && !scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint: '" + endpoint + "' is not an http(s) URL with a host; use "
                    + "for example https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000");
        }
        if (endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("endpoint: must not contain credentials; remove the user-info part "
                    + "and set accessKey and secretKey instead");
        }
        if (endpoint.getRawQuery() != null || endpoint.getRawFragment() != null) {
            throw new IllegalArgumentException("endpoint: '" + endpoint + "' must not have a query or fragment; use "
                    + "only scheme, host, port and path");
        }
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || IPV4.matcher(host).matches();
    }

    /**
     * Collects settings one at a time; {@link #build()} validates them together.
     *
     * <p>Not thread-safe.
     */
    /** Tells a loopback host from its literal alone, without a DNS lookup. */
    static boolean isLoopbackLiteral(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    public static final class Builder {
        private URI endpoint = AWS_ENDPOINT;
        private String region = DEFAULT_REGION;
        private String bucket;
        private String accessKey;
        private String secretKey;
        private boolean pathStyle;
        private long partSizeBytes = DEFAULT_PART_SIZE_BYTES;
        private int partBuffers = DEFAULT_PART_BUFFERS;
        private Boolean signPayload;

        private Builder() {
        }

        /** Sets the endpoint; defaults to {@link S3Settings#AWS_ENDPOINT}. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            return this;
        }

        /**
         * Parses and sets the endpoint.
         *
         * @throws IllegalArgumentException if {@code endpoint} is not a URI
         */
        public Builder endpoint(String endpoint) {
            Objects.requireNonNull(endpoint, "endpoint");
            try {
                return endpoint(new URI(endpoint.strip()));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("endpoint: '" + endpoint + "' is not a URL (" + e.getReason()
                        + "); use for example https://s3.eu-west-1.amazonaws.com", e);
            }
        }

        /** Sets the region; defaults to {@link S3Settings#DEFAULT_REGION}. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        public Builder bucket(String bucket) {
            this.bucket = bucket;
            return this;
        }

        public Builder accessKey(String accessKey) {
            this.accessKey = accessKey;
            return this;
        }

        public Builder secretKey(String secretKey) {
            this.secretKey = secretKey;
            return this;
        }

        /** Sets path-style addressing; defaults to {@code false} (virtual-host style). */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Sets the multipart part size in bytes; defaults to {@link S3Settings#DEFAULT_PART_SIZE_BYTES}. */
        public Builder partSizeBytes(long partSizeBytes) {
            this.partSizeBytes = partSizeBytes;
            return this;
        }

        /**
         * Sets how many part buffers one upload may hold, and so how many of its parts are in flight at once;
         * defaults to {@link S3Settings#DEFAULT_PART_BUFFERS}.
         */
        public Builder partBuffers(int partBuffers) {
            this.partBuffers = partBuffers;
            return this;
        }

        /**
         * Sets whether request bodies are hashed into the V4 signature; defaults to {@code false} for an
         * {@code https} endpoint, whose TLS already guards the bytes, and for a loopback one, and {@code true} for
         * other {@code http} endpoints.
         */
        public Builder signPayload(boolean signPayload) {
            this.signPayload = signPayload;
            return this;
        }

        /**
         * Returns the settings.
         *
         * @throws IllegalArgumentException if a value is missing or invalid, or the values do not fit together
         */
        public S3Settings build() {
            boolean sign = signPayload != null ? signPayload
                    : !"https".equalsIgnoreCase(endpoint.getScheme()) && !isLoopbackLiteral(endpoint.getHost());
            return new S3Settings(endpoint, region, bucket, accessKey, secretKey, pathStyle, partSizeBytes,
                    partBuffers, sign);
        }
    }
}
