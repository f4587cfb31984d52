package dev.uploadkit.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadErrorTest {

    @Test
    void acceptsUpperCaseIdentifiers() {
        assertEquals("SOURCE_UNREACHABLE", new UploadError(UploadError.SOURCE_UNREACHABLE, "Unreachable.").code());
        assertEquals("E2", new UploadError("E2", "m").code());
        new UploadError("C".repeat(UploadError.MAX_CODE_LENGTH), "m".repeat(UploadError.MAX_MESSAGE_LENGTH));
        assertEquals(UploadError.INTERRUPTED, UploadError.interrupted().code());
    }

    @Test
    void rejectsMalformedCodesAndMessages() {
        for (String code : new String[] {"", "interrupted", "Interrupted", "_X", "2X", "SOURCE-ERROR", "A B",
                "C".repeat(UploadError.MAX_CODE_LENGTH + 1)}) {
            assertThrows(IllegalArgumentException.class, () -> new UploadError(code, "m"), code);
        }
        assertThrows(IllegalArgumentException.class, () -> new UploadError("X", " "));
        assertThrows(IllegalArgumentException.class,
                () -> new UploadError("X", "m".repeat(UploadError.MAX_MESSAGE_LENGTH + 1)));
        assertThrows(NullPointerException.class, () -> new UploadError(null, "m"));
        assertThrows(NullPointerException.class, () -> new UploadError("X", null));
    }
}
