package dev.uploadkit.core.storage;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretBoxTest {
    private final String key = SecretBox.generateKey();
    private final SecretBox box = SecretBox.parse(key, null);

    @Test
    void aSealedSecretOpensOnlyInItsContextAndNeverShowsThePlaintext() {
        String sealed = box.seal("s3cr3t-value", "conn-1");
        assertTrue(sealed.startsWith("uk1." + box.primaryKeyId() + "."));
        assertFalse(sealed.contains("s3cr3t-value"));
        assertFalse(sealed.contains(Base64.getEncoder().encodeToString("s3cr3t-value".getBytes())));
        assertEquals("s3cr3t-value", box.open(sealed, "conn-1"));
        assertThrows(IllegalArgumentException.class, () -> box.open(sealed, "conn-2"));
        assertFalse(box.toString().contains(key));
    }

    @Test
    void everySealUsesAFreshNonce() {
        assertNotEquals(box.seal("same", "c"), box.seal("same", "c"));
    }

    @Test
    void anAlteredCiphertextDoesNotOpen() {
        String sealed = box.seal("value", "c");
        char last = sealed.charAt(sealed.length() - 2);
        String altered = sealed.substring(0, sealed.length() - 2) + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1);
        assertThrows(IllegalArgumentException.class, () -> box.open(altered, "c"));
        assertThrows(IllegalArgumentException.class, () -> box.open("garbage", "c"));
    }

    @Test
    void aRotatedBoxOpensOldSecretsAndTellsWhichToSealAgain() {
        String old = box.seal("v", "c");
        SecretBox rotated = SecretBox.parse(SecretBox.generateKey(), "  ," + key);
        assertFalse(rotated.isCurrent(old));
        assertEquals("v", rotated.open(old, "c"));
        String again = rotated.seal("v", "c");
        assertTrue(rotated.isCurrent(again));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> box.open(again, "c"));
        assertTrue(unknown.getMessage().contains(rotated.primaryKeyId()));
    }

    @Test
    void keysParseFromBase64OrHexAndMustBe32Bytes() {
        byte[] raw = Base64.getDecoder().decode(key);
        assertEquals(box.primaryKeyId(), SecretBox.parse(HexFormat.of().formatHex(raw), null).primaryKeyId());
        assertEquals(box.primaryKeyId(), SecretBox.of(raw, List.of()).primaryKeyId());
        assertThrows(IllegalArgumentException.class, () -> SecretBox.parse("c2hvcnQ=", null));
        assertThrows(IllegalArgumentException.class, () -> SecretBox.parse(key, "not-a-key"));
        assertThrows(IllegalArgumentException.class, () -> SecretBox.parse(null, null));
    }
}
