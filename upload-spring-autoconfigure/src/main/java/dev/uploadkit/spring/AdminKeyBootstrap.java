package dev.uploadkit.spring;

import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.AdminBootstrap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

import java.util.Optional;

/**
 * Gives the application its first admin key once every bean exists, before the web server accepts requests:
 * {@code upload.admin-key} is installed; without it, on first start (no project yet), a key is generated and logged
 * once at WARN as {@code Admin API key: <key>}. See {@link AdminBootstrap}.
 */
final class AdminKeyBootstrap implements SmartInitializingSingleton {
    private static final Logger LOG = LoggerFactory.getLogger(AdminKeyBootstrap.class);

    private final AccessService access;
    private final String configuredKey;

    AdminKeyBootstrap(AccessService access, String configuredKey) {
        this.access = access;
        this.configuredKey = configuredKey;
    }

    @Override
    public void afterSingletonsInstantiated() {
        AdminBootstrap.ensureAdminKey(access, Optional.ofNullable(configuredKey)).ifPresent(key ->
                LOG.warn("Admin API key: {} (shown only this once: keep it, or set upload.admin-key)",
                        key.plaintext()));
    }
}
