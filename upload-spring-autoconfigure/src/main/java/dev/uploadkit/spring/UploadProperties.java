package dev.uploadkit.spring;

import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.UploadService;
import dev.uploadkit.core.store.S3Settings;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Uploadkit's settings, bound from {@code upload.*}.
 *
 * <p>Every setter checks its value and throws {@link IllegalArgumentException} with a message naming the property,
 * the bad value (never a secret) and the fix, so a wrong setting stops the application at startup. Rules that span
 * several properties (an S3 store needs a bucket and credentials) are checked when the bean using them is created.
 */
@ConfigurationProperties(prefix = "upload")
public class UploadProperties {
    /** The servlet mapping used unless {@code upload.servlet-path} says otherwise. */
    public static final String DEFAULT_SERVLET_PATH = "/v1/external/*";

    private static final int MIN_SIGNING_KEY_LENGTH = 32;
    private static final int MIN_ADMIN_KEY_LENGTH = 24;
    private static final int MAX_ADMIN_KEY_LENGTH = 256;

    /** Whether Uploadkit is configured at all. */
    private boolean enabled = true;
    /** The servlet mapping the REST API is served at: a path starting with '/' and ending with '/*'. */
    private String servletPath = DEFAULT_SERVLET_PATH;
    /** The largest file accepted (5GB means 5 × 1024³ bytes). */
    private DataSize maxFileSize = DataSize.ofGigabytes(5);
    /** The detected types uploads are restricted to, exact (application/pdf) or a family (image/*); empty allows every type. */
    private List<String> allowedTypes = List.of();
    /**
     * The secret signed download links are made with, at least 32 characters; every instance serving the same files
     * needs the same one. Unset, a key kept in Uploadkit's database is used (made on first start, shared by every
     * instance on that database).
     */
    private String signingKey;
    /**
     * The admin API key to install (24-256 printable ASCII characters without spaces), with every permission, in the
     * first project. Unset, a key is generated on first start (no project yet) and logged once as "Admin API key: ...".
     */
    private String adminKey;
    /** The absolute http(s) URL the API is reachable at, such as https://files.example.com/v1/external; unset, it is taken from each request. */
    private String publicBaseUrl;
    /**
     * Addresses and CIDR ranges webhooks may reach besides public ones, comma-separated (127.0.0.1/32,10.0.0.0/8);
     * unset, only public addresses are reachable.
     */
    private String outboundAllow;
    /** {@link #outboundAllow} parsed, as it was bound. */
    private OutboundPolicy outboundPolicy = OutboundPolicy.defaults();
    /** How long a signed download link stays valid: between 1s and 365d. */
    private Duration downloadTokenTtl = Duration.ofHours(1);
    /** How long uploads stay in trash before the background purge deletes them for good. */
    private Duration trashRetention = Duration.ofDays(30);
    /**
     * Whether this application runs Uploadkit's background work (heartbeats, crash sweeps, trash purge, event
     * relay). Every instance that takes uploads on a shared database should.
     */
    private boolean backgroundWork = true;
    /** How long an instance may miss its heartbeat before it counts as crashed and its unfinished uploads are swept. */
    private Duration interruptedAfter = Duration.ofMinutes(1);
    /** The pause between runs of the crash sweep and of the trash purge: at most 1m. */
    private Duration jobInterval = Duration.ofMinutes(1);
    /** The age of leftover temporary files and half-deleted blobs the crash sweep removes. */
    private Duration sweepGrace = Duration.ofMinutes(10);
    /**
     * How long API keys, project plans and default storage connections read from the database are used before they
     * are read again: 0s to 1m, 0s reading them on every request. A change made through this instance applies at
     * once; one made through another instance on the same database within this time.
     */
    private Duration lookupCacheTtl = Duration.ofSeconds(3);
    /** How long store=false, failed and cancelled uploads are kept before the background work removes them. */
    private Duration unstoredTtl = Duration.ofHours(24);
    /** The pauses before each retry of a failed webhook delivery (30s,2m,15m,1h,3h,6h,12h); empty keeps those. */
    private List<Duration> webhookRetryDelays = List.of();
    /** Where file contents are kept. */
    private final Store store = new Store();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Returns the servlet mapping the REST API is served at; default {@value #DEFAULT_SERVLET_PATH}. */
    public String getServletPath() {
        return servletPath;
    }

    /** Sets the servlet mapping: a path starting with {@code /} and ending with {@code /*}. */
    public void setServletPath(String servletPath) {
        if (servletPath == null || !servletPath.startsWith("/") || !servletPath.endsWith("/*")
                || servletPath.indexOf('*') != servletPath.length() - 1) {
            throw new IllegalArgumentException("upload.servlet-path: '" + servletPath + "' is not a path mapping; "
                    + "use a path starting with '/' and ending with '/*', such as " + DEFAULT_SERVLET_PATH);
        }
        this.servletPath = servletPath;
    }

    /** Returns the largest file accepted; default 5GB (5 × 1024³ bytes). */
    public DataSize getMaxFileSize() {
        return maxFileSize;
    }

    /** Sets the largest file accepted; must be more than 0 bytes. */
    public void setMaxFileSize(DataSize maxFileSize) {
        if (maxFileSize == null || maxFileSize.toBytes() <= 0) {
            throw new IllegalArgumentException("upload.max-file-size: '" + maxFileSize + "' is not a positive size; "
                    + "set a size such as 100MB or 5GB");
        }
        this.maxFileSize = maxFileSize;
    }

    /** Returns the detected types uploads are restricted to; empty (the default) allows every type. */
    public List<String> getAllowedTypes() {
        return allowedTypes;
    }

    /** Sets the allowed types: exact ({@code application/pdf}) or a whole family ({@code image/*}). */
    public void setAllowedTypes(List<String> allowedTypes) {
        List<String> checked = new ArrayList<>();
        for (String pattern : allowedTypes == null ? List.<String>of() : allowedTypes) {
            try {
                // UploadService owns the pattern rule; asking it keeps one definition of a valid pattern.
                UploadService.builder().allowedTypes(Collections.singletonList(pattern));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("upload.allowed-types: '" + pattern + "' is not a type pattern; "
                        + "use type/subtype such as application/pdf, or type/* such as image/*", e);
            }
            checked.add(pattern.strip());
        }
        this.allowedTypes = List.copyOf(checked);
    }

    /** Returns the secret signed download links are made with, or {@code null} for the key kept in the database. */
    public String getSigningKey() {
        return signingKey;
    }

    /**
     * Sets the secret signed download links are made with, at least 32 characters; every instance serving the
     * same files needs the same one. Without it, links stop working when the application restarts.
     */
    public void setSigningKey(String signingKey) {
        if (signingKey != null && signingKey.length() < MIN_SIGNING_KEY_LENGTH) {
            throw new IllegalArgumentException("upload.signing-key: must be at least " + MIN_SIGNING_KEY_LENGTH
                    + " characters, was " + signingKey.length() + "; use a long random secret, e.g. the output of "
                    + "`openssl rand -base64 48`");
        }
        this.signingKey = signingKey;
    }

    /** Returns the admin API key to install, or {@code null} to generate and log one on first start. */
    public String getAdminKey() {
        return adminKey;
    }

    /**
     * Sets the admin API key installed, with every permission, in the first project: 24 to 256 printable ASCII
     * characters without spaces. Without it, a key is generated on first start and logged once.
     */
    public void setAdminKey(String adminKey) {
        String key = PropertyChecks.blankToNull(adminKey);
        if (key != null && (key.length() < MIN_ADMIN_KEY_LENGTH || key.length() > MAX_ADMIN_KEY_LENGTH
                || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("upload.admin-key: must be " + MIN_ADMIN_KEY_LENGTH + " to "
                    + MAX_ADMIN_KEY_LENGTH + " printable ASCII characters without spaces, was " + key.length()
                    + " characters; use a long random secret, e.g. the output of `openssl rand -hex 24`");
        }
        this.adminKey = key;
    }

    /** Returns the extra addresses webhooks, URL imports and storage endpoints may reach, or {@code null}. */
    public String getOutboundAllow() {
        return outboundAllow;
    }

    /**
     * Sets the extra addresses and CIDR ranges webhooks, URL imports and storage endpoints may reach, e.g.
     * {@code 127.0.0.1/32,10.0.0.0/8}.
     */
    public void setOutboundAllow(String outboundAllow) {
        try {
            this.outboundPolicy = OutboundPolicy.parse(outboundAllow);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("upload.outbound-allow: " + e.getMessage(), e);
        }
        this.outboundAllow = outboundAllow;
    }

    /** Returns the rule for outbound connections: public addresses, plus {@code upload.outbound-allow}. */
    OutboundPolicy outboundPolicy() {
        return outboundPolicy;
    }

    /** Returns the absolute URL the API is reachable at, or {@code null} to take it from each request. */
    public String getPublicBaseUrl() {
        return publicBaseUrl;
    }

    /** Sets the absolute http(s) URL of the servlet's mount, such as {@code https://files.example.com/v1/external}. */
    public void setPublicBaseUrl(String publicBaseUrl) {
        if (publicBaseUrl != null && !PropertyChecks.isHttpBaseUrl(publicBaseUrl)) {
            throw new IllegalArgumentException("upload.public-base-url: '" + publicBaseUrl + "' is not an absolute "
                    + "http(s) URL without query or fragment; use e.g. https://files.example.com/v1/external");
        }
        this.publicBaseUrl = publicBaseUrl;
    }

    public Duration getDownloadTokenTtl() {
        return downloadTokenTtl;
    }

    /** Sets how long a signed download link stays valid: between 1 second and 365 days. */
    public void setDownloadTokenTtl(Duration downloadTokenTtl) {
        if (downloadTokenTtl == null || downloadTokenTtl.compareTo(Duration.ofSeconds(1)) < 0
                || downloadTokenTtl.compareTo(Duration.ofDays(365)) > 0) {
            throw new IllegalArgumentException("upload.download-token-ttl: '" + downloadTokenTtl + "' is out of "
                    + "range; use a duration between 1s and 365d, such as 1h");
        }
        this.downloadTokenTtl = downloadTokenTtl;
    }

    public Duration getTrashRetention() {
        return trashRetention;
    }

    /** Sets how long uploads stay in trash before the background purge deletes them: at least 1 second. */
    public void setTrashRetention(Duration trashRetention) {
        if (trashRetention == null || trashRetention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("upload.trash-retention: '" + trashRetention + "' is too short; "
                    + "use a duration of at least 1s, such as 30d");
        }
        this.trashRetention = trashRetention;
    }

    public boolean isBackgroundWork() {
        return backgroundWork;
    }

    /**
     * Sets whether this application runs Uploadkit's background work. Every instance that takes uploads on a shared
     * database should, or its uploads in progress may be swept as interrupted.
     */
    public void setBackgroundWork(boolean backgroundWork) {
        this.backgroundWork = backgroundWork;
    }

    public Duration getInterruptedAfter() {
        return interruptedAfter;
    }

    /** Sets how long an instance may miss its heartbeat before its unfinished uploads are swept: at least 1 second. */
    public void setInterruptedAfter(Duration interruptedAfter) {
        this.interruptedAfter = PropertyChecks.atLeastASecond("upload.interrupted-after", interruptedAfter, "1m");
    }

    public Duration getJobInterval() {
        return jobInterval;
    }

    /** Sets the pause between runs of the crash sweep and of the trash purge: between 1 second and 1 minute. */
    public void setJobInterval(Duration jobInterval) {
        if (PropertyChecks.atLeastASecond("upload.job-interval", jobInterval, "1m").compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("upload.job-interval: '" + jobInterval + "' is too long; use a "
                    + "duration of at most 1m, such as 1m");
        }
        this.jobInterval = jobInterval;
    }

    public Duration getSweepGrace() {
        return sweepGrace;
    }

    /** Sets the age of leftovers the crash sweep removes: at least 1 second. */
    public void setSweepGrace(Duration sweepGrace) {
        this.sweepGrace = PropertyChecks.atLeastASecond("upload.sweep-grace", sweepGrace, "10m");
    }

    public Duration getLookupCacheTtl() {
        return lookupCacheTtl;
    }

    /** Sets how long looked-up keys, plans and default storage connections are used: between 0s and 1m. */
    public void setLookupCacheTtl(Duration lookupCacheTtl) {
        if (lookupCacheTtl == null || lookupCacheTtl.isNegative()
                || lookupCacheTtl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("upload.lookup-cache-ttl: '" + lookupCacheTtl + "' is out of range; "
                    + "use a duration between 0s and 1m, such as 3s");
        }
        this.lookupCacheTtl = lookupCacheTtl;
    }

    public Duration getUnstoredTtl() {
        return unstoredTtl;
    }

    /** Sets how long unstored, failed and cancelled uploads are kept: at least 1 second. */
    public void setUnstoredTtl(Duration unstoredTtl) {
        this.unstoredTtl = PropertyChecks.atLeastASecond("upload.unstored-ttl", unstoredTtl, "24h");
    }

    public List<Duration> getWebhookRetryDelays() {
        return webhookRetryDelays;
    }

    /** Sets the pauses before each retry of a failed webhook delivery: each at least 1 second. */
    public void setWebhookRetryDelays(List<Duration> webhookRetryDelays) {
        List<Duration> checked = webhookRetryDelays == null ? List.of() : webhookRetryDelays;
        checked.forEach(d -> PropertyChecks.atLeastASecond("upload.webhook-retry-delays", d, "30s,2m,15m,1h"));
        this.webhookRetryDelays = List.copyOf(checked);
    }

    public Store getStore() {
        return store;
    }

    /** The kinds of store {@code upload.store.type} selects. */
    public enum StoreType {
        /** Files under {@code upload.store.path} on the local disk. */
        FILESYSTEM,
        /** Files held in memory and lost on shutdown; for tests and demos. */
        TRANSIENT,
        /** An S3-compatible bucket configured by {@code upload.store.s3.*}. */
        S3;

        private String propertyValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where file contents are kept: {@code upload.store.*}. */
    public static class Store {
        /** The store kind: filesystem, transient (in memory, lost on shutdown) or s3. */
        private StoreType type = StoreType.FILESYSTEM;
        /** The folder a filesystem store writes under. */
        private String path = "./data/files";
        /** The bucket used when the type is s3. */
        private final S3 s3 = new S3();

        /** Returns the store kind: {@code filesystem} (the default), {@code transient} or {@code s3}. */
        public String getType() {
            return type.propertyValue();
        }

        /** Sets the store kind, ignoring case: {@code filesystem}, {@code transient} or {@code s3}. */
        public void setType(String type) {
            for (StoreType candidate : StoreType.values()) {
                if (candidate.propertyValue().equalsIgnoreCase(type == null ? "" : type.strip())) {
                    this.type = candidate;
                    return;
                }
            }
            throw new IllegalArgumentException("upload.store.type: '" + type + "' is not a store type; use "
                    + "filesystem, transient or s3");
        }

        /** Returns the store kind as an enum. */
        public StoreType storeType() {
            return type;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("upload.store.path: must not be blank; set the folder files are "
                        + "kept in, such as ./data/files");
            }
            this.path = path;
        }

        public S3 getS3() {
            return s3;
        }
    }

    /** An S3-compatible bucket: {@code upload.store.s3.*}. */
    public static class S3 {
        /** The service URL, such as http://127.0.0.1:9000; unset for AWS S3 itself. */
        private String endpoint;
        /** The signing region; unset for us-east-1. */
        private String region;
        /** The bucket files are kept in; required for an s3 store, created if missing. */
        private String bucket;
        /** The access key id of the bucket's credentials; required for an s3 store. */
        private String accessKey;
        /** The secret access key of the bucket's credentials; required for an s3 store. */
        private String secretKey;
        /** Whether the bucket is addressed as endpoint/bucket rather than bucket.endpoint; needed for IP endpoints and MinIO. */
        private boolean pathStyle;

        public String getEndpoint() {
            return endpoint;
        }

        public void setEndpoint(String endpoint) {
            this.endpoint = PropertyChecks.blankToNull(endpoint);
        }

        public String getRegion() {
            return region;
        }

        public void setRegion(String region) {
            this.region = PropertyChecks.blankToNull(region);
        }

        public String getBucket() {
            return bucket;
        }

        public void setBucket(String bucket) {
            this.bucket = PropertyChecks.blankToNull(bucket);
        }

        public String getAccessKey() {
            return accessKey;
        }

        public void setAccessKey(String accessKey) {
            this.accessKey = PropertyChecks.blankToNull(accessKey);
        }

        public String getSecretKey() {
            return secretKey;
        }

        public void setSecretKey(String secretKey) {
            this.secretKey = PropertyChecks.blankToNull(secretKey);
        }

        public boolean isPathStyle() {
            return pathStyle;
        }

        public void setPathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
        }

        /**
         * Returns these values as {@link S3Settings}.
         *
         * @throws IllegalArgumentException naming the {@code upload.store.s3.*} property that is missing or invalid
         */
        S3Settings toSettings() {
            require(bucket, "bucket", "the name of the bucket to keep files in");
            require(accessKey, "access-key", "the access key id of the bucket's credentials");
            require(secretKey, "secret-key", "the secret access key of the bucket's credentials");
            try {
                S3Settings.Builder builder = S3Settings.builder().bucket(bucket).accessKey(accessKey)
                        .secretKey(secretKey).pathStyle(pathStyle);
                if (endpoint != null) {
                    builder.endpoint(endpoint);
                }
                if (region != null) {
                    builder.region(region);
                }
                return builder.build();
            } catch (IllegalArgumentException e) {
                // S3Settings names the field first ("bucket: ..."), so the prefix makes it the property's name.
                throw new IllegalArgumentException("upload.store.s3." + e.getMessage(), e);
            }
        }

        private static void require(String value, String property, String what) {
            if (value == null) {
                throw new IllegalArgumentException("upload.store.s3." + property + ": not set, but upload.store.type "
                        + "is s3; set it to " + what);
            }
        }
    }
}
