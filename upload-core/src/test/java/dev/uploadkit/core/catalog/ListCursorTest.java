package dev.uploadkit.core.catalog;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.UploadQuery;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ListCursorTest {
    private static final UploadQuery BY_NAME = UploadQuery.builder().sort(UploadQuery.Sort.FILENAME)
            .order(UploadQuery.Order.ASC).build();

    @Test
    void aCursorCarriesThePageOfItsItem() {
        ListCursor cursor = new ListCursor(UploadQuery.Sort.FILENAME, UploadQuery.Order.ASC, "a b.txt", UUID.randomUUID(),
                7);
        assertEquals(cursor, ListCursor.decode(cursor.encode(), BY_NAME));
    }

    @Test
    void aCursorMadeForAListIsRefusedWithOtherFiltersAndTakenWithItsOwn() {
        UploadQuery pics = UploadQuery.builder().sort(UploadQuery.Sort.FILENAME).order(UploadQuery.Order.ASC)
                .folder("pics").build();
        ListCursor cursor = new ListCursor(UploadQuery.Sort.FILENAME, UploadQuery.Order.ASC, "a.png", UUID.randomUUID(),
                2);
        String text = cursor.encode(pics);
        assertEquals(cursor, ListCursor.decode(text, UploadQuery.builder().sort(UploadQuery.Sort.FILENAME)
                .order(UploadQuery.Order.ASC).folder("/pics/").build()), "the same filters, spelt otherwise");
        UploadException other = assertThrows(UploadException.class, () -> ListCursor.decode(text, BY_NAME));
        assertEquals(ErrorCode.VALIDATION_ERROR, other.code());
        assertTrue(other.details().containsKey("cursor"));
        assertThrows(UploadException.class, () -> ListCursor.decode(text, UploadQuery.builder()
                .sort(UploadQuery.Sort.FILENAME).order(UploadQuery.Order.ASC).folder("pics").search("a").build()));
        assertThrows(UploadException.class, () -> ListCursor.decode(text, UploadQuery.builder()
                .view(UploadQuery.View.TRASHED).sort(UploadQuery.Sort.FILENAME).order(UploadQuery.Order.ASC)
                .folder("pics").build()));
    }

    @Test
    void aCursorFromBeforePagesWereRecordedIsOnTheFirstPage() {
        UUID uuid = UUID.randomUUID();
        String legacy = Base64.getUrlEncoder().withoutPadding().encodeToString(("FILENAME\nASC\n" + uuid + "\nz.bin")
                .getBytes(StandardCharsets.UTF_8));
        assertEquals(new ListCursor(UploadQuery.Sort.FILENAME, UploadQuery.Order.ASC, "z.bin", uuid, 1),
                ListCursor.decode(legacy, BY_NAME));
    }

    @Test
    void aMalformedPageIsAnInvalidCursor() {
        String bad = Base64.getUrlEncoder().withoutPadding().encodeToString(("FILENAME\nASC\n" + UUID.randomUUID()
                + "\n0\nz.bin").getBytes(StandardCharsets.UTF_8));
        assertEquals(ErrorCode.VALIDATION_ERROR, assertThrows(UploadException.class,
                () -> ListCursor.decode(bad, BY_NAME)).code());
    }
}
