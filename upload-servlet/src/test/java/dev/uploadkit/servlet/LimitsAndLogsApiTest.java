package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate-limit headers and refusals, plan changes, the request log and usage, over HTTP against the servlet. */
class LimitsAndLogsApiTest {
    @TempDir
    Path dir;
    private TestServer server;

    @BeforeEach
    void start() {
        // A list count limit of 3 lets the log's totals reach it with a handful of requests.
        server = TestServer.builder(dir).limitsAndLog().listCountLimit(3).start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private static java.time.Instant newestTime(JsonNode items) {
        return java.time.Instant.parse(items.get(0).path("time").asText());
    }

    @Test
    void aFreeProjectGetsTenRequestsAMinuteThenRateLimitedAndAPlanChangeAppliesAtOnce() {
        TestServer.Tenant tenant = server.newTenant("free-tenant");
        for (int i = 0; i < 10; i++) {
            TestServer.Response r = server.get("files", tenant.key());
            assertEquals(200, r.status());
            assertEquals("10", r.header("X-RateLimit-Limit").orElseThrow());
            assertEquals(Integer.toString(9 - i), r.header("X-RateLimit-Remaining").orElseThrow());
            long reset = Long.parseLong(r.header("X-RateLimit-Reset").orElseThrow());
            assertTrue(reset > server.clock.instant().getEpochSecond() - 1 && reset % 60 == 0, "next whole minute");
        }
        TestServer.Response refused = server.get("files", tenant.key());
        assertEquals(429, refused.status());
        assertEquals("RATE_LIMITED", refused.errorCode());
        assertEquals("0", refused.header("X-RateLimit-Remaining").orElseThrow());
        assertTrue(Long.parseLong(refused.header("Retry-After").orElseThrow()) >= 1);

        TestServer.Response changed = server.send("PATCH", "admin/projects/" + tenant.projectId(), server.adminKey,
                "{\"plan\":\"starter\"}");
        assertEquals(200, changed.status());
        TestServer.Response after = server.get("files", tenant.key());
        assertEquals(200, after.status(), "the new plan applies to the very next request");
        assertEquals("100", after.header("X-RateLimit-Limit").orElseThrow());

        TestServer.Response unlimited = server.send("POST", "admin/projects", server.adminKey,
                "{\"name\":\"big\",\"plan\":\"unlimited\"}");
        String id = unlimited.data().path("id").asText();
        TestServer.Response key = server.send("POST", "admin/projects/" + id + "/api-keys", server.adminKey,
                "{\"name\":\"k\",\"permissions\":[\"files:read\"]}");
        TestServer.Response free = server.get("files", key.data().path("key").asText());
        assertEquals(200, free.status());
        assertTrue(free.header("X-RateLimit-Limit").isEmpty(), "plan unlimited sends no rate-limit headers");
    }

    @Test
    void theServerAdminIsNotLockedOutOfAdminRoutesByThePlanOfItsOwnProject() {
        String admin = "admin/projects/" + server.project.id();
        assertEquals(200, server.send("PATCH", admin, server.adminKey, "{\"plan\":\"free\"}").status());
        for (int i = 0; i < 12; i++) {
            TestServer.Response r = server.get("files", server.adminKey);
            assertEquals(i < 10 ? 200 : 429, r.status(), "its other routes count as its project's");
        }
        for (int i = 0; i < 12; i++) {
            TestServer.Response r = server.get("admin/projects", server.adminKey);
            assertEquals(200, r.status(), r.text());
            assertTrue(r.header("X-RateLimit-Limit").isEmpty(), "admin routes are not counted");
        }
        assertEquals(429, server.get("admin/projects", server.key).status(), "its other keys are counted there too");
        assertEquals(200, server.send("PATCH", admin, server.adminKey, "{\"plan\":\"pro\"}").status());
        assertEquals(200, server.get("files", server.adminKey).status(), "the plan change applies at once");
    }

    @Test
    void requestsOfAKnownKeyToUnknownRoutesAreLimitedAndLoggedLikeAnyOther() throws Exception {
        TestServer.Tenant tenant = server.newTenant("wanders");
        long logged = server.requestLog.accepted();
        for (int i = 0; i < 9; i++) {
            TestServer.Response r = server.get("no/such/route/" + i, tenant.key());
            assertEquals(404, r.status());
            assertEquals("NOT_FOUND", r.errorCode());
            assertEquals(Integer.toString(9 - i), r.header("X-RateLimit-Remaining").orElseThrow());
        }
        TestServer.Response wrongMethod = server.send("PUT", "files", tenant.key(), "{}");
        assertEquals(405, wrongMethod.status());
        assertEquals("0", wrongMethod.header("X-RateLimit-Remaining").orElseThrow());
        TestServer.Response refused = server.get("no/such/route", tenant.key());
        assertEquals(429, refused.status(), "the 11th request of the minute, whatever its route");
        assertEquals("RATE_LIMITED", refused.errorCode());

        // Without a project, a request is neither counted nor logged: no key (404), an unknown key (401).
        assertEquals(404, server.get("no/such/route", null).status());
        TestServer.Response unknownKey = server.get("no/such/route", "uk_AAAAAAAAAAAA_" + "B".repeat(32));
        assertEquals(401, unknownKey.status());
        assertTrue(unknownKey.header("X-RateLimit-Limit").isEmpty());

        awaitLogged(logged, 11);
        String reader = server.access.createKey(tenant.projectId(), "reader", EnumSet.of(Permission.STATS_READ),
                false).plaintext();
        server.send("PATCH", "admin/projects/" + tenant.projectId(), server.adminKey, "{\"plan\":\"pro\"}");
        JsonNode items = server.get("logs?per_page=100", reader).json().path("data");
        List<Integer> statuses = new ArrayList<>();
        items.forEach(e -> statuses.add(e.path("status").asInt()));
        assertEquals(List.of(429, 405, 404, 404, 404, 404, 404, 404, 404, 404, 404), statuses, items.toString());
        assertEquals("/no/such/route", items.get(0).path("path").asText());
        assertEquals("RATE_LIMITED", items.get(0).path("error_code").asText());
        assertEquals("METHOD_NOT_ALLOWED", items.get(1).path("error_code").asText());
    }

    @Test
    void theLogRecordsEveryRequestWithoutSecretsAndUsageEqualsWhatWasDone() throws Exception {
        Project project = server.access.createProject("logged", "pro");
        String key = server.access.createKey(project.id(), "all", EnumSet.allOf(Permission.class), false).plaintext();
        byte[] bytes = "hello request log\n".getBytes(StandardCharsets.UTF_8);
        long logged = server.requestLog.accepted();
        JsonNode upload = server.uploaded(key, Multipart.form().file("hello.txt", bytes));
        String downloadUrl = upload.path("download_url").asText();
        assertEquals(200, server.get(downloadUrl, null).status(), "a signed download counts for the project");
        assertEquals(404, server.get("files/" + java.util.UUID.randomUUID() + "?token=s3cr3t-value", key).status());
        TestServer.Response forwarded = server.send(server.request("files", key)
                .header("X-Forwarded-For", "198.51.100.7, 203.0.113.9").GET());
        assertEquals(200, forwarded.status());
        awaitLogged(logged, 4);

        TestServer.Response logs = server.get("logs?per_page=100", key);
        assertEquals(200, logs.status(), logs.text());
        JsonNode items = logs.json().path("data");
        assertEquals(4, items.size(), logs.text());
        String all = logs.text();
        assertFalse(all.contains(key), "the log never holds a key");
        assertFalse(all.contains("s3cr3t-value"), "query secrets are redacted");
        assertFalse(all.contains(downloadUrl.substring(downloadUrl.indexOf("token=") + 6)), "tokens are redacted");
        JsonNode newest = items.get(0);
        assertEquals("GET", newest.path("method").asText());
        assertEquals("/files", newest.path("path").asText());
        assertEquals("203.0.113.9", newest.path("client_ip").asText(), "X-Forwarded-For from a trusted proxy");
        assertEquals(key.substring(0, 15), newest.path("key_prefix").asText());
        JsonNode notFound = items.get(1);
        assertEquals(404, notFound.path("status").asInt());
        assertEquals("NOT_FOUND", notFound.path("error_code").asText());
        assertTrue(notFound.path("path").asText().endsWith("?token=REDACTED"));
        assertTrue(items.get(2).path("key_id").isNull(), "the signed download had no key");

        TestServer.Response posts = server.get("logs?method=POST&path=/files/upload", key);
        assertEquals(1, posts.json().path("data").size());
        assertEquals(201, posts.json().path("data").get(0).path("status").asInt());
        assertEquals(1, server.get("logs?status=404", key).json().path("data").size());
        String today = java.time.LocalDate.ofInstant(newestTime(items), java.time.ZoneOffset.UTC).toString();
        assertTrue(server.get("logs?from=" + today + "&to=" + today, key).json().path("data").size() >= 4,
                "a day in to takes in the whole day, as on files (the log's own reads are logged too)");
        assertEquals(0, server.get("logs?to=" + java.time.LocalDate.parse(today).minusDays(1), key).json()
                .path("data").size());
        TestServer.Response backwards = server.get("logs?from=" + today + "&to=" + java.time.LocalDate.parse(today)
                .minusDays(1), key);
        assertEquals(422, backwards.status(), backwards.text());

        Set<String> seen = new HashSet<>();
        String cursor = null;
        List<Integer> pages = new ArrayList<>();
        do {
            TestServer.Response page = server.get("logs?per_page=2" + (cursor == null ? "" : "&cursor=" + cursor), key);
            page.json().path("data").forEach(e -> seen.add(e.path("id").asText()));
            pages.add(page.json().path("data").size());
            cursor = page.json().path("meta").path("next_cursor").asText(null);
        } while (cursor != null);
        assertTrue(seen.size() >= 4, "cursor paging reaches every entry: " + pages);
        seen.forEach(id -> assertEquals(id, java.util.UUID.fromString(id).toString(), "SPEC §2: IDs are UUIDs"));

        assertTrue(server.requestLog.awaitWritten(Duration.ofSeconds(10)));
        JsonNode usage = server.get("usage", key).data();
        assertNotNull(usage);
        JsonNode totals = usage.path("totals");
        assertTrue(totals.path("requests").asLong() >= 4, usage.toString());
        assertEquals(1, totals.path("uploads").path("count").asLong());
        assertEquals(bytes.length, totals.path("uploads").path("bytes").asLong());
        assertEquals(1, totals.path("downloads").path("count").asLong());
        assertEquals(bytes.length, totals.path("downloads").path("bytes").asLong());
        assertEquals(1, totals.path("storage").path("files").asLong());
        assertEquals(bytes.length, totals.path("storage").path("bytes").asLong());
        assertEquals("day", usage.path("granularity").asText());

        String reader = server.access.createKey(project.id(), "reader", EnumSet.of(Permission.FILES_READ), false)
                .plaintext();
        assertEquals("FORBIDDEN", server.get("logs", reader).errorCode(), "logs need stats:read");
        assertEquals("FORBIDDEN", server.get("usage", reader).errorCode(), "usage needs stats:read");
    }

    @Test
    void logsArePagedByNumberOrByCursorWithTheMetaOfEveryListAndTotalsCountedUpToTheLimit() throws Exception {
        Project project = server.access.createProject("paged", "pro");
        String key = server.access.createKey(project.id(), "all", EnumSet.allOf(Permission.class), false).plaintext();
        long logged = server.requestLog.accepted();
        for (int i = 0; i < 7; i++) {
            assertEquals(404, server.get("no/such/route/" + i, key).status());
        }
        awaitLogged(logged, 7);
        String only = "logs?path=/no/such/route/&per_page=3";

        JsonNode first = server.get(only, key).json();
        assertEquals(List.of("/no/such/route/6", "/no/such/route/5", "/no/such/route/4"), paths(first));
        assertMeta(first, 1, 3, 4, 2, "gte"); // the limit, or what this page has shown (one more than it holds)
        String cursor = first.path("meta").path("next_cursor").asText(null);
        assertNotNull(cursor);

        JsonNode second = server.get(only + "&page=2", key).json();
        assertEquals(List.of("/no/such/route/3", "/no/such/route/2", "/no/such/route/1"), paths(second),
                "page=2 is the next entries, not page 1 again");
        assertMeta(second, 2, 3, 7, 3, "gte");
        assertEquals(paths(second), paths(server.get(only + "&cursor=" + cursor, key).json()));

        JsonNode last = server.get(only + "&page=3", key).json();
        assertEquals(List.of("/no/such/route/0"), paths(last));
        assertMeta(last, 3, 3, 7, 3, "eq");
        assertTrue(last.path("meta").path("next_cursor").isNull());

        assertMeta(server.get(only + "&exact_total=true", key).json(), 1, 3, 7, 3, "eq");
        JsonNode unfiltered = server.get("logs?per_page=2", key).json();
        assertEquals("gte", unfiltered.path("meta").path("total_relation").asText(), "the whole log is capped too");
        assertEquals(2, unfiltered.path("data").size());
        JsonNode everything = server.get("logs?per_page=2&exact_total=true", key).json();
        assertEquals("eq", everything.path("meta").path("total_relation").asText());
        assertTrue(everything.path("meta").path("total").asInt() >= 7, everything.toString());
        JsonNode defaults = server.get("logs", key).json().path("meta");
        assertEquals(50, defaults.path("per_page").asInt());
        assertEquals(1, defaults.path("current_page").asInt());

        for (String bad : List.of("page=0", "page=x", "per_page=0", "per_page=101", "exact_total=maybe", "cursor=x")) {
            TestServer.Response r = server.get("logs?" + bad, key);
            assertEquals(422, r.status(), bad);
            assertEquals("VALIDATION_ERROR", r.errorCode(), bad);
            String field = bad.substring(0, bad.indexOf('='));
            assertTrue(r.json().path("error").path("details").has(field), bad + ": " + r.text());
        }
    }

    private static List<String> paths(JsonNode body) {
        List<String> paths = new ArrayList<>();
        body.path("data").forEach(e -> paths.add(e.path("path").asText()));
        return paths;
    }

    private static void assertMeta(JsonNode body, int currentPage, int perPage, long total, long lastPage,
                                   String relation) {
        JsonNode meta = body.path("meta");
        assertEquals(currentPage, meta.path("current_page").asInt(), meta.toString());
        assertEquals(perPage, meta.path("per_page").asInt(), meta.toString());
        assertEquals(total, meta.path("total").asLong(), meta.toString());
        assertEquals(lastPage, meta.path("last_page").asLong(), meta.toString());
        assertEquals(relation, meta.path("total_relation").asText(), meta.toString());
        assertTrue(meta.has("next_cursor"), meta.toString());
    }

    /**
     * Waits until {@code count} requests more than {@code before} reached the request log (each is handed to it just
     * after its answer went out, so a client can be faster), then until they are written.
     */
    private void awaitLogged(long before, int count) throws InterruptedException {
        assertTrue(Poll.until(() -> server.requestLog.accepted() >= before + count, Duration.ofSeconds(10)),
                "requests handed to the log");
        assertTrue(server.requestLog.awaitWritten(Duration.ofSeconds(10)));
    }
}
