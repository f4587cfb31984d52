package dev.uploadkit.servlet.internal;

import dev.uploadkit.core.ContentDisposition;
import dev.uploadkit.core.store.ByteRange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpHeadersTest {

    @Test
    void contentDispositionHasAnAsciiFallbackAndTheExactUtf8Name() {
        assertEquals("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
                HttpHeaders.contentDisposition(ContentDisposition.ATTACHMENT, "report.pdf"));
        assertEquals("inline; filename=\"na_ve r_sum_.txt\"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9.txt",
                HttpHeaders.contentDisposition(ContentDisposition.INLINE, "naïve résumé.txt"));
        assertEquals("attachment; filename=\"a\\\"b_c;d.txt\"; filename*=UTF-8''a%22b%25c%3Bd.txt",
                HttpHeaders.contentDisposition(ContentDisposition.ATTACHMENT, "a\"b%c;d.txt"));
        assertEquals("attachment; filename=\"_.png\"; filename*=UTF-8''%F0%9F%98%80.png",
                HttpHeaders.contentDisposition(ContentDisposition.ATTACHMENT, "😀.png"));
    }

    @Test
    void rangesResolveAgainstTheSize() {
        assertEquals(new ByteRange(0, 9), part(HttpHeaders.range("bytes=0-9", 100)));
        assertEquals(new ByteRange(90, 99), part(HttpHeaders.range("bytes=90-", 100)));
        assertEquals(new ByteRange(0, 99), part(HttpHeaders.range("bytes=-500", 100)));
        assertEquals(new ByteRange(50, 99), part(HttpHeaders.range("bytes=50-99999999999999999999999", 100)));
        assertEquals(new ByteRange(1, 2), part(HttpHeaders.range("BYTES= 1 - 2", 100)));
        assertInstanceOf(HttpHeaders.RangeRequest.Unsatisfiable.class, HttpHeaders.range("bytes=100-", 100));
        assertInstanceOf(HttpHeaders.RangeRequest.Unsatisfiable.class, HttpHeaders.range("bytes=-0", 100));
        assertInstanceOf(HttpHeaders.RangeRequest.Unsatisfiable.class, HttpHeaders.range("bytes=0-", 0));
        for (String ignored : new String[] {null, "bytes=-", "bytes=5-1", "bytes=0-1,2-3", "lines=1-2", "bytes=a-b"}) {
            assertInstanceOf(HttpHeaders.RangeRequest.Whole.class, HttpHeaders.range(ignored, 100), ignored);
        }
    }

    @Test
    void ifNoneMatchComparesWeakly() {
        assertTrue(HttpHeaders.noneMatchHits("\"a\"", "\"a\""));
        assertTrue(HttpHeaders.noneMatchHits("W/\"a\"", "\"a\""));
        assertTrue(HttpHeaders.noneMatchHits("\"x\" , \"a\"", "\"a\""));
        assertTrue(HttpHeaders.noneMatchHits("*", "\"a\""));
        assertFalse(HttpHeaders.noneMatchHits("\"b\"", "\"a\""));
        assertFalse(HttpHeaders.noneMatchHits(null, "\"a\""));
    }

    @Test
    void activeContentTypesAreRecognised() {
        assertTrue(HttpHeaders.isActiveContent("text/html"));
        assertTrue(HttpHeaders.isActiveContent("image/svg+xml"));
        assertTrue(HttpHeaders.isActiveContent("application/xhtml+xml"));
        assertTrue(HttpHeaders.isActiveContent("text/javascript"));
        assertFalse(HttpHeaders.isActiveContent("image/png"));
        assertFalse(HttpHeaders.isActiveContent("application/pdf"));
    }

    private static ByteRange part(HttpHeaders.RangeRequest r) {
        return assertInstanceOf(HttpHeaders.RangeRequest.Part.class, r).range();
    }
}
