package dev.uploadkit.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.List;

/**
 * Storage connections, the buckets projects bring ({@code POST storage}): {@code upload.storage.*}. Their secrets
 * are sealed under {@code upload.secrets.master-key}, without which connections that need one are refused; their
 * endpoints obey {@code upload.outbound-allow}.
 */
@ConfigurationProperties(prefix = "upload.storage")
public class StorageProperties {
    /** Folders that filesystem storage connections may live under; empty refuses filesystem connections. */
    private List<Path> roots = List.of();
    /** Whether in-memory (transient) storage connections are allowed; for tests. */
    private boolean allowTransient;

    public List<Path> getRoots() {
        return roots;
    }

    public void setRoots(List<Path> roots) {
        this.roots = roots == null ? List.of() : roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public boolean isAllowTransient() {
        return allowTransient;
    }

    public void setAllowTransient(boolean allowTransient) {
        this.allowTransient = allowTransient;
    }
}
