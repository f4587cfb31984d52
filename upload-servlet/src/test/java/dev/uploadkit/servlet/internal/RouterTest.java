package dev.uploadkit.servlet.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {
    private static final Handler NOOP = ex -> { };

    private final Router router = new Router()
            .add("GET", "files", Access.SELF, NOOP)
            .add("GET", "files/{uuid}", Access.SELF, NOOP)
            .add("DELETE", "files/{uuid}", Access.SELF, NOOP)
            .add("GET", "files/trash", Access.SELF, NOOP)
            .add("POST", "files/upload", Access.SELF, NOOP)
            .add("POST", "files/{uuid}/restore", Access.SELF, NOOP);

    @Test
    void literalSegmentsWinOverParameters() {
        assertEquals("files/trash", router.match("GET", "/files/trash").route().pattern());
        Router.Match param = router.match("GET", "/files/abc");
        assertEquals("files/{uuid}", param.route().pattern());
        assertEquals(Map.of("uuid", "abc"), param.params());
        assertEquals(List.of("POST"), router.match("GET", "/files/upload").allowed());
    }

    @Test
    void unknownPathsAndWrongMethodsAreToldApart() {
        Router.Match unknown = router.match("GET", "/nothing");
        assertFalse(unknown.found());
        assertTrue(unknown.allowed().isEmpty());
        Router.Match wrong = router.match("PUT", "/files/abc");
        assertFalse(wrong.found());
        assertEquals(List.of("GET", "DELETE", "HEAD"), wrong.allowed());
        assertFalse(router.match("GET", "/files//restore").found());
        assertTrue(router.match("GET", "/files/abc/restore").allowed().contains("POST"));
    }

    @Test
    void headUsesGetAndATrailingSlashIsIgnored() {
        assertEquals("GET", router.match("HEAD", "/files").route().method());
        assertTrue(router.match("GET", "/files/").found());
        assertFalse(router.match("GET", "").found());
    }
}
