package dev.uploadkit.spring;

import dev.uploadkit.core.storage.SecretBox;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The master key that seals secrets at rest: {@code upload.secrets.*}. Webhook signing secrets and storage
 * connections' secret keys are sealed with it (AES-256-GCM); unset, webhook secrets are kept in plaintext (a warning
 * says so at startup) and storage connections that need a secret are refused.
 */
@ConfigurationProperties(prefix = "upload.secrets")
public class SecretsProperties {
    /**
     * The master key sealing webhook signing secrets and storage connections' secret keys at rest: 32 bytes as base64
     * or 64 hex digits (openssl rand -base64 32). Every instance sharing the database needs the same one; unset,
     * webhook secrets are kept in plaintext and storage connections that need a secret are refused.
     */
    private String masterKey;
    /** Older master keys, comma-separated, still opened during a rotation; secrets sealed under them are sealed again under the master key at startup. */
    private String previousMasterKeys;

    public String getMasterKey() {
        return masterKey;
    }

    /** Sets the master key; checked as it is bound (the message names the property, never the value). */
    public void setMasterKey(String masterKey) {
        this.masterKey = PropertyChecks.blankToNull(masterKey);
        box();
    }

    public String getPreviousMasterKeys() {
        return previousMasterKeys;
    }

    /** Sets the older master keys; checked once the master key is known. */
    public void setPreviousMasterKeys(String previousMasterKeys) {
        this.previousMasterKeys = PropertyChecks.blankToNull(previousMasterKeys);
        box();
    }

    /**
     * Returns the box of these keys, or {@code null} without a master key.
     *
     * @throws IllegalArgumentException naming the property whose key does not decode
     */
    SecretBox box() {
        if (masterKey == null) {
            return null;
        }
        try {
            return SecretBox.parse(masterKey, previousMasterKeys);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replace("UPLOADKIT_MASTER_KEY_PREVIOUS",
                    "upload.secrets.previous-master-keys").replace("UPLOADKIT_MASTER_KEY", "upload.secrets.master-key"));
        }
    }
}
