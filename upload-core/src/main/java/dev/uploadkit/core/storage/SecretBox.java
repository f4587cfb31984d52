package dev.uploadkit.core.storage;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Encrypts secrets at rest (storage connections' secret keys, webhooks' signing secrets) with AES-256-GCM under a
 * master key.
 *
 * <p>Each {@link #seal} draws a fresh 96-bit nonce and binds the ciphertext to a context (the connection's id), so a
 * sealed value copied into another row does not open. The sealed text is
 * {@code uk1.<key id>.<base64url nonce>.<base64url ciphertext and tag>}; the key id (the first 8 hex digits of the
 * key's SHA-256) names the master key that sealed it, so the master key can be rotated: give the new key as the
 * primary and the old ones as {@code previous}; {@link #open} takes either, {@link #isCurrent} tells which sealed
 * values still need re-sealing under the primary.
 *
 * <p>Immutable and thread-safe. Never logs or shows plaintext; {@link #toString()} shows key ids only.
 */
public final class SecretBox {
    /** The length of a master key: 32 bytes (AES-256). */
    public static final int KEY_BYTES = 32;
    private static final String PREFIX = "uk1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String primaryId;
    private final Map<String, SecretKeySpec> keys;

    private SecretBox(byte[] primary, List<byte[]> previous) {
        Map<String, SecretKeySpec> byId = new LinkedHashMap<>();
        this.primaryId = put(byId, primary, "masterKey");
        for (byte[] key : previous) {
            put(byId, key, "previousMasterKeys");
        }
        this.keys = Map.copyOf(byId);
    }

    /**
     * Returns a box sealing under {@code masterKey} and opening what it or any of {@code previous} sealed.
     *
     * @throws IllegalArgumentException if a key is not {@value #KEY_BYTES} bytes
     */
    public static SecretBox of(byte[] masterKey, List<byte[]> previous) {
        Objects.requireNonNull(masterKey, "masterKey");
        return new SecretBox(masterKey, List.copyOf(previous));
    }

    /**
     * Parses keys written as base64 (standard or URL-safe) or 64 hex digits, as {@code UPLOADKIT_MASTER_KEY} and
     * {@code UPLOADKIT_MASTER_KEY_PREVIOUS} (comma-separated) hold them.
     *
     * @throws IllegalArgumentException naming the setting if a key does not decode to {@value #KEY_BYTES} bytes
     */
    public static SecretBox parse(String masterKey, String previous) {
        List<byte[]> older = new ArrayList<>();
        if (previous != null) {
            for (String entry : previous.split(",")) {
                if (!entry.isBlank()) {
                    older.add(decodeKey("UPLOADKIT_MASTER_KEY_PREVIOUS", entry.strip()));
                }
            }
        }
        return of(decodeKey("UPLOADKIT_MASTER_KEY", masterKey == null ? "" : masterKey.strip()), older);
    }

    /** Returns a new random master key, base64-encoded. */
    public static String generateKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Returns the id of the primary master key, which {@link #seal} uses. */
    public String primaryKeyId() {
        return primaryId;
    }

    /** Encrypts {@code plaintext} under the primary key, bound to {@code context}. */
    public String seal(String plaintext, String context) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, keys.get(primaryId), nonce, context);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            return PREFIX + "." + primaryId + "." + b64.encodeToString(nonce) + "." + b64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every Java platform", e);
        }
    }

    /**
     * Decrypts what {@link #seal} returned for the same {@code context}.
     *
     * @throws IllegalArgumentException if it is malformed, sealed under a key this box does not hold (the message
     *     names the key id), or altered
     */
    public String open(String sealed, String context) {
        String[] parts = sealed == null ? new String[0] : sealed.split("\\.");
        if (parts.length != 4 || !PREFIX.equals(parts[0])) {
            throw new IllegalArgumentException("A sealed secret is not in the uk1.<key id>.<nonce>.<ciphertext> form.");
        }
        SecretKeySpec key = keys.get(parts[1]);
        if (key == null) {
            throw new IllegalArgumentException("A secret was sealed under master key " + parts[1] + ", which is not "
                    + "configured; add it to UPLOADKIT_MASTER_KEY_PREVIOUS");
        }
        try {
            Base64.Decoder b64 = Base64.getUrlDecoder();
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, b64.decode(parts[2]), context);
            return new String(cipher.doFinal(b64.decode(parts[3])), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("A sealed secret does not open: altered, or sealed for another context.");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("A sealed secret is malformed.");
        }
    }

    /** Returns whether {@code text} is in the sealed form {@link #seal} returns (under any key). */
    public static boolean isSealed(String text) {
        return text != null && text.startsWith(PREFIX + ".");
    }

    /** Returns whether {@code sealed} was sealed under the primary key (else it should be sealed again). */
    public boolean isCurrent(String sealed) {
        return sealed != null && sealed.startsWith(PREFIX + "." + primaryId + ".");
    }

    @Override
    public String toString() {
        return "SecretBox[primary=" + primaryId + ", keys=" + keys.keySet() + "]";
    }

    private static Cipher cipher(int mode, SecretKeySpec key, byte[] nonce, String context)
            throws GeneralSecurityException {
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("bad nonce");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(Objects.requireNonNull(context, "context").getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static String put(Map<String, SecretKeySpec> byId, byte[] key, String property) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(property + ": a master key must be " + KEY_BYTES + " bytes, was "
                    + key.length + "; generate one with SecretBox.generateKey() or `openssl rand -base64 32`");
        }
        String id = keyId(key);
        byId.putIfAbsent(id, new SecretKeySpec(key.clone(), "AES"));
        return id;
    }

    private static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static byte[] decodeKey(String setting, String text) {
        byte[] key;
        if (text.matches("[0-9a-fA-F]{64}")) {
            key = HexFormat.of().parseHex(text);
        } else {
            try {
                key = text.contains("-") || text.contains("_") ? Base64.getUrlDecoder().decode(text)
                        : Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                key = new byte[0];
            }
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException(setting + ": not a " + KEY_BYTES + "-byte key in base64 or hex; "
                    + "generate one with `openssl rand -base64 32`");
        }
        return key;
    }
}
