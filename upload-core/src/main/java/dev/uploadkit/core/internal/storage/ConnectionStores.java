package dev.uploadkit.core.internal.storage;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.net.HostLiterals;
import dev.uploadkit.core.store.FileStore;
import dev.uploadkit.core.store.JcloudsFileStore;
import dev.uploadkit.core.store.S3Settings;
import dev.uploadkit.core.storage.StorageConnection;
import dev.uploadkit.core.storage.StorageSettings;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;

/**
 * Opens the store of a storage connection, checking again, each time, that its target is still allowed: an S3
 * endpoint must resolve only to addresses the outbound policy allows, a filesystem folder must lie under a
 * configured root.
 */
public final class ConnectionStores {
    private final StorageSettings settings;

    public ConnectionStores(StorageSettings settings) {
        this.settings = settings;
    }

    public StorageSettings settings() {
        return settings;
    }

    /**
     * Opens the connection's store (connecting to it, creating its bucket or folder if missing).
     *
     * @throws UploadException {@code STORAGE_ERROR} if its target is no longer allowed or its secret does not open;
     *     what opening the store throws otherwise
     */
    public FileStore open(StorageConnection c) {
        return switch (c.provider()) {
            case TRANSIENT -> {
                if (!settings.allowTransient()) {
                    throw new UploadException(ErrorCode.STORAGE_ERROR, "Transient storage is not enabled on this server.");
                }
                yield JcloudsFileStore.inMemory(c.storageId());
            }
            case FILESYSTEM -> JcloudsFileStore.builder().id(c.storageId())
                    .filesystem(folderOf(c)).container(c.bucket()).build();
            default -> JcloudsFileStore.s3(c.storageId(), s3Settings(c));
        };
    }

    /** Returns the project's folder under the connection's root; the bucket is the container inside it. */
    public Path folderOf(StorageConnection c) {
        Path root = Path.of(c.endpoint()).toAbsolutePath().normalize();
        if (!settings.filesystemRoots().contains(root)) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The folder of storage " + c.id()
                    + " is not under a root this server allows any more.");
        }
        return root.resolve(c.projectId().toString());
    }

    private S3Settings s3Settings(StorageConnection c) {
        URI endpoint = URI.create(c.endpoint());
        String refusal = endpointRefusal(endpoint);
        if (refusal != null) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The endpoint of storage " + c.id() + " is refused: "
                    + refusal);
        }
        if (settings.secrets() == null) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "This server has no master key to open the secret of "
                    + "storage " + c.id() + ".");
        }
        String secret;
        try {
            secret = settings.secrets().open(c.sealedSecret(), c.storageId());
        } catch (IllegalArgumentException e) {
            throw new UploadException(ErrorCode.STORAGE_ERROR, "The secret of storage " + c.id() + " cannot be "
                    + "opened: " + e.getMessage());
        }
        return S3Settings.builder().endpoint(endpoint).region(c.region()).bucket(c.bucket())
                .accessKey(c.accessKey()).secretKey(secret).pathStyle(c.pathStyle()).build();
    }

    /**
     * Returns why {@code endpoint} may not be contacted, or null if it may: every address its host resolves to must
     * be allowed by the outbound policy. IP literals in any spelling are judged as the addresses they spell.
     */
    public String endpointRefusal(URI endpoint) {
        String authority = endpoint.getRawAuthority();
        if (authority == null) {
            return "it has no host";
        }
        int close = authority.lastIndexOf(']');
        int colon = authority.lastIndexOf(':');
        String rawHost = colon > close ? authority.substring(0, colon) : authority;
        HostLiterals.Host host;
        try {
            host = HostLiterals.parse(rawHost);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        InetAddress[] addresses;
        try {
            addresses = host.isLiteral() ? new InetAddress[] {host.address()} : InetAddress.getAllByName(host.name());
        } catch (UnknownHostException e) {
            return "its host " + host.name() + " cannot be resolved";
        }
        for (InetAddress address : addresses) {
            String refusal = settings.outbound().refusal(address);
            if (refusal != null) {
                return address.getHostAddress() + " is " + refusal
                        + "; only public addresses are reachable unless UPLOADKIT_OUTBOUND_ALLOW lists it";
            }
        }
        return null;
    }
}
