package dev.uploadkit.spring;

import dev.uploadkit.core.storage.SecretBox;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The master key that seals secrets at rest: {@code upload.secrets.*}. Webhook signing secrets are sealed with it
 * (AES-256-GCM); unset, they are kept in plaintext and a warning says so at startup.
 */
@ConfigurationProperties(prefix = "upload.secrets")
public class SecretsProperties {
    /**
     * The master key sealing webhook signing secrets at rest: 32 bytes as base64 or 64 hex digits (openssl rand
     * -base64 32). Every instance sharing the database needs the same one; unset, secrets are kept in plaintext.
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
