package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * Signed, expiring download tokens: {@code base64url(project id | expiry | HMAC-SHA256(key, purpose | file uuid |
 * project id | expiry))}. A token names its project, so a download with one needs no API key, and is bound to
 * one file: it cannot be moved to another uuid, project or expiry without the key.
 */
public final class DownloadTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] PURPOSE = "uploadkit-download-v1".getBytes(StandardCharsets.US_ASCII);
    private static final int MAC_BYTES = 32;
    private static final int TOKEN_BYTES = 16 + 8 + MAC_BYTES;

    private final SecretKeySpec key;
    private final Clock clock;
    private final Duration ttl;
    /** One keyed MAC per thread: looking the algorithm up and keying it cost more than the MAC of 61 bytes. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public DownloadTokens(byte[] key, Clock clock, Duration ttl) {
        this.key = new SecretKeySpec(key, ALGORITHM);
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Returns a token for {@code uuid} in {@code projectId} valid for the configured time from now. */
    public String issue(UUID projectId, UUID uuid) {
        long expires = clock.instant().plus(ttl).getEpochSecond();
        ByteBuffer token = ByteBuffer.allocate(TOKEN_BYTES);
        putUuid(token, projectId);
        token.putLong(expires);
        token.put(mac(uuid, projectId, expires));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(token.array());
    }

    /**
     * Returns the project a token for {@code uuid} was issued in.
     *
     * @throws UploadException {@code UNAUTHENTICATED} if the token is malformed, signed for something else or
     *     with another key, or expired
     */
    public UUID verify(UUID uuid, String token) {
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (raw.length != TOKEN_BYTES) {
            throw invalid();
        }
        ByteBuffer in = ByteBuffer.wrap(raw);
        UUID projectId = new UUID(in.getLong(), in.getLong());
        long expires = in.getLong();
        byte[] presented = new byte[MAC_BYTES];
        in.get(presented);
        if (!MessageDigest.isEqual(presented, mac(uuid, projectId, expires))) {
            throw invalid();
        }
        if (clock.instant().getEpochSecond() >= expires) {
            throw new UploadException(ErrorCode.UNAUTHENTICATED, "The download link has expired.");
        }
        return projectId;
    }

    private byte[] mac(UUID uuid, UUID projectId, long expires) {
        ByteBuffer message = ByteBuffer.allocate(PURPOSE.length + 16 + 16 + 8);
        message.put(PURPOSE);
        putUuid(message, uuid);
        putUuid(message, projectId);
        message.putLong(expires);
        return macs.get().doFinal(message.array()); // which also resets it for the next message
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    private static void putUuid(ByteBuffer buffer, UUID uuid) {
        buffer.putLong(uuid.getMostSignificantBits());
        buffer.putLong(uuid.getLeastSignificantBits());
    }

    private static UploadException invalid() {
        return new UploadException(ErrorCode.UNAUTHENTICATED, "The download token is invalid.");
    }
}
