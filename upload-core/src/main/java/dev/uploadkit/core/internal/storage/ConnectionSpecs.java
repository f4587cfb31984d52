package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.Problems;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageProvider;
import dev.uploadkit.core.storage.StorageRequest;
import dev.uploadkit.core.storage.StorageSettings;
import dev.uploadkit.core.store.S3Settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns a client's {@link StorageRequest} into a valid {@link StorageConnection}, collecting every field's problem
 * into one {@code VALIDATION_ERROR}. The secret key is sealed here, bound to the connection's id; the plaintext
 * goes no further.
 */
final class ConnectionSpecs {
    private static final Pattern FOLDER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** Stands in for a kept secret when validating S3 settings; never stored or sent. */
    private static final String KEPT_SECRET = "kept";

    private final ConnectionStores stores;

    ConnectionSpecs(ConnectionStores stores) {
        this.stores = stores;
    }

    /** Builds a new connection from {@code r}. */
    StorageConnection create(UUID id, UUID projectId, StorageRequest r, Instant now) {
        Problems problems = new Problems();
        if (r.provider() == null) {
            problems.add("provider", "The provider field is required.");
            problems.throwIfAny();
        }
        StorageProvider provider = parseProvider(r.provider(), problems);
        return build(id, projectId, provider, r, null, now, now, problems);
    }

    /** Applies the fields {@code r} gives to {@code current}; the provider cannot change. */
    StorageConnection change(StorageConnection current, StorageRequest r, Instant now) {
        Problems problems = new Problems();
        if (r.provider() != null && !r.provider().equals(current.provider().wireName())) {
            problems.add("provider", "The provider of a storage cannot change; add another storage instead.");
        }
        StorageRequest merged = new StorageRequest(
                r.name() != null ? r.name() : current.name(), current.provider().wireName(),
                r.endpoint() != null ? r.endpoint() : current.endpoint(),
                r.region() != null ? r.region() : current.region(),
                r.bucket() != null ? r.bucket() : current.bucket(),
                r.accessKey() != null ? r.accessKey() : current.accessKey(),
                r.secretKey(),
                r.publicBaseUrl() != null ? r.publicBaseUrl() : current.publicBaseUrl(),
                r.pathStyle() != null ? r.pathStyle() : current.pathStyle(),
                r.isDefault() != null ? r.isDefault() : current.isDefault());
        return build(current.id(), current.projectId(), current.provider(), merged, current.sealedSecret(),
                current.createdAt(), now, problems);
    }

    private StorageConnection build(UUID id, UUID projectId, StorageProvider provider, StorageRequest r,
                                    String keptSecret, Instant createdAt, Instant now, Problems problems) {
        String name = r.name() == null ? null : r.name().strip();
        if (name == null || name.isEmpty() || name.length() > 255) {
            problems.add("name", "The name must be 1-255 characters.");
        }
        String publicBaseUrl = publicBaseUrl(r.publicBaseUrl(), problems);
        boolean isDefault = Boolean.TRUE.equals(r.isDefault());
        String endpoint = null;
        String region = null;
        String bucket = null;
        String accessKey = null;
        String sealed = null;
        boolean pathStyle = false;
        StorageSettings settings = stores.settings();
        switch (provider) {
            case TRANSIENT -> {
                if (!settings.allowTransient()) {
                    problems.add("provider", "Transient storage is not enabled on this server.");
                }
            }
            case FILESYSTEM -> {
                if (settings.filesystemRoots().isEmpty()) {
                    problems.add("provider", "Filesystem storage is not enabled on this server.");
                    break;
                }
                Path root = r.endpoint() == null ? settings.filesystemRoots().get(0) : root(r.endpoint(), problems);
                endpoint = root == null ? null : root.toString();
                bucket = r.bucket();
                if (bucket == null || !FOLDER.matcher(bucket).matches()) {
                    problems.add("bucket", "The bucket of a filesystem storage is a folder name: 1-63 letters, digits, "
                            + "'.', '_' and '-', starting with a letter or digit.");
                }
            }
            default -> {
                URI uri = endpointOf(provider, r.endpoint(), problems);
                endpoint = uri == null ? null : uri.toString();
                region = r.region() != null ? r.region() : provider.defaultRegion();
                bucket = r.bucket();
                accessKey = r.accessKey();
                pathStyle = r.pathStyle() != null ? r.pathStyle() : provider.defaultPathStyle();
                String secret = r.secretKey() != null ? r.secretKey() : keptSecret != null ? KEPT_SECRET : null;
                required("bucket", bucket, problems);
                required("access_key", accessKey, problems);
                required("secret_key", secret, problems);
                if (uri != null && bucket != null && accessKey != null && secret != null) {
                    checkS3(uri, region, bucket, accessKey, secret, pathStyle, problems);
                }
                if (uri != null) {
                    String refusal = stores.endpointRefusal(uri);
                    if (refusal != null) {
                        problems.add("endpoint", "The endpoint is refused: " + refusal + ".");
                    }
                }
                if (settings.secrets() == null) {
                    problems.add("secret_key", "This server has no master key (UPLOADKIT_MASTER_KEY) to keep secrets.");
                }
                problems.throwIfAny();
                sealed = r.secretKey() != null ? settings.secrets().seal(r.secretKey(), id.toString()) : keptSecret;
            }
        }
        problems.throwIfAny();
        return new StorageConnection(id, projectId, name, provider, endpoint, region, bucket, accessKey, sealed,
                publicBaseUrl, pathStyle, isDefault, createdAt, now);
    }

    private static void required(String field, String value, Problems problems) {
        if (value == null) {
            problems.add(field, "The " + field + " field is required for this provider.");
        }
    }

    private Path root(String endpoint, Problems problems) {
        Path root;
        try {
            root = Path.of(endpoint).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            root = null;
        }
        if (root == null || !stores.settings().filesystemRoots().contains(root)) {
            problems.add("endpoint", "The endpoint of a filesystem storage must be one of the roots this server "
                    + "allows: " + stores.settings().filesystemRoots() + ".");
            return null;
        }
        return root;
    }

    private static URI endpointOf(StorageProvider provider, String endpoint, Problems problems) {
        if (endpoint == null) {
            if (provider.defaultEndpoint() == null) {
                problems.add("endpoint", "The endpoint field is required for provider " + provider.wireName() + ".");
            }
            return provider.defaultEndpoint();
        }
        try {
            URI uri = new URI(endpoint.strip());
            if (uri.getScheme() != null && uri.getHost() != null
                    && List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // refused below, as any other endpoint that is not an http(s) URL
        }
        problems.add("endpoint", "The endpoint must be an http(s) URL.");
        return null;
    }

    /** Lets {@link S3Settings} judge the values, naming each problem by its wire field. */
    private static void checkS3(URI endpoint, String region, String bucket, String accessKey, String secret,
                                boolean pathStyle, Problems problems) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("endpoint", "endpoint");
        fields.put("region", "region");
        fields.put("bucket", "bucket");
        fields.put("accessKey", "access_key");
        fields.put("secretKey", "secret_key");
        try {
            S3Settings.builder().endpoint(endpoint).region(region).bucket(bucket).accessKey(accessKey)
                    .secretKey(secret).pathStyle(pathStyle).build();
        } catch (IllegalArgumentException | NullPointerException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            String field = fields.entrySet().stream().filter(f -> message.startsWith(f.getKey()))
                    .map(Map.Entry::getValue).findFirst().orElse("endpoint");
            problems.add(field, "The " + field + " is invalid: " + message.substring(message.indexOf(':') + 1).strip());
        }
    }

    private static String publicBaseUrl(String url, Problems problems) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI uri = new URI(url.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                String text = uri.toString();
                return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        problems.add("public_base_url", "The public_base_url must be an http(s) URL without query or credentials.");
        return null;
    }

    private static StorageProvider parseProvider(String wire, Problems problems) {
        try {
            return StorageProvider.parse(wire);
        } catch (UploadException e) {
            problems.add("provider", e.getMessage());
            problems.throwIfAny();
            throw e;
        }
    }
}
