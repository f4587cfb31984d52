package dev.uploadkit.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.uploadkit.core.auth.Permission;
import dev.uploadkit.core.testing.TestContent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeysAndAdminApiTest extends SharedServerTest {

    @Test
    void createListAndRevokeAKey() {
        TestServer.Tenant t = server.newTenant("keys");
        TestServer.Response created = server.send("POST", "api-keys", t.key(),
                "{\"name\": \"CI reader\", \"permissions\": [\"files:read\", \"stats:read\"]}");
        assertEquals(201, created.status(), created.text());
        JsonNode k = created.data();
        String id = k.get("id").asText();
        assertEquals("CI reader", k.get("name").asText());
        assertEquals(List.of("files:read", "stats:read"), List.of(k.get("permissions").get(0).asText(),
                k.get("permissions").get(1).asText()));
        assertTrue(k.get("key").asText().startsWith(k.get("prefix").asText() + "_"));
        assertTrue(k.get("created_at").isTextual());
        String newKey = k.get("key").asText();

        assertEquals(200, server.get("files", newKey).status());
        assertEquals(403, server.upload(newKey, Multipart.form().file("x.bin", TestContent.random(1, 10))).status());

        TestServer.Response list = server.get("api-keys", t.key());
        assertEquals(200, list.status());
        JsonNode listed = null;
        for (JsonNode n : list.data()) {
            assertFalse(n.has("key"), "never the key: " + n);
            assertFalse(n.has("key_hash"));
            if (n.get("id").asText().equals(id)) {
                listed = n;
            }
        }
        assertTrue(listed != null && listed.get("revoked_at").isNull(), list.text());
        assertEquals(k.get("prefix").asText(), listed.get("prefix").asText());
        assertFalse(list.text().contains(newKey));

        TestServer.Response revoked = server.send("DELETE", "api-keys/" + id, t.key(), null);
        assertEquals(200, revoked.status());
        assertTrue(revoked.data().get("revoked_at").isTextual());
        assertEquals(401, server.get("files", newKey).status());
        TestServer.Response again = server.send("DELETE", "api-keys/" + id, t.key(), null);
        assertEquals(200, again.status(), "revoking twice is idempotent: " + again.text());
        assertEquals(revoked.data().get("revoked_at").asText(), again.data().get("revoked_at").asText());
        assertEquals(404, server.send("DELETE", "api-keys/nope", t.key(), null).status());
        assertEquals(404, server.send("DELETE", "api-keys/" + java.util.UUID.randomUUID(), t.key(), null).status());
    }

    @Test
    void keysOfAnotherProjectCannotBeRevoked() {
        TestServer.Tenant a = server.newTenant("keys A");
        TestServer.Tenant b = server.newTenant("keys B");
        String aKeyId = server.get("api-keys", a.key()).data().get(0).get("id").asText();
        assertEquals(404, server.send("DELETE", "api-keys/" + aKeyId, b.key(), null).status());
        assertEquals(200, server.get("files", a.key()).status());
        assertEquals(1, server.get("api-keys", b.key()).data().size());
    }

    @Test
    void aKeyCannotGrantMoreThanItHolds() {
        String manager = server.keyWith(Permission.KEYS_MANAGE, Permission.FILES_READ);
        TestServer.Response r = server.send("POST", "api-keys", manager,
                "{\"name\": \"escalate\", \"permissions\": [\"files:delete\"]}");
        assertEquals(403, r.status());
        assertEquals("FORBIDDEN", r.errorCode());
        assertEquals(201, server.send("POST", "api-keys", manager,
                "{\"name\": \"ok\", \"permissions\": [\"files:read\"]}").status());
        assertEquals(422, server.send("POST", "api-keys", manager, "{\"name\": \"none\", \"permissions\": []}")
                .status());
    }

    @Test
    void adminManagesProjects() {
        TestServer.Response created = server.send("POST", "admin/projects", server.adminKey,
                "{\"name\": \"Customer 42\", \"plan\": \"starter\"}");
        assertEquals(201, created.status(), created.text());
        String id = created.data().get("id").asText();
        assertEquals("Customer 42", created.data().get("name").asText());
        assertEquals("starter", created.data().get("plan").asText());

        assertEquals(200, server.get("admin/projects/" + id, server.adminKey).status());
        boolean listed = false;
        for (JsonNode p : server.get("admin/projects", server.adminKey).data()) {
            listed |= p.get("id").asText().equals(id);
        }
        assertTrue(listed);

        TestServer.Response patched = server.send("PATCH", "admin/projects/" + id, server.adminKey,
                "{\"plan\": \"pro\"}");
        assertEquals("pro", patched.data().get("plan").asText());
        assertEquals("Customer 42", patched.data().get("name").asText());
        TestServer.Response unchanged = server.send("PATCH", "admin/projects/" + id, server.adminKey,
                "{\"plan\": null, \"name\": null}");
        assertEquals("pro", unchanged.data().get("plan").asText(), "null is not given");
        assertEquals("free", server.send("POST", "admin/projects", server.adminKey,
                "{\"name\": \"n\", \"plan\": null}").data().get("plan").asText(), "null is not given");
        TestServer.Response badPlan = server.send("PATCH", "admin/projects/" + id, server.adminKey,
                "{\"plan\": \"platinum\"}");
        assertEquals(422, badPlan.status());
        assertTrue(badPlan.json().get("error").get("details").has("plan"));
        TestServer.Response both = server.send("POST", "admin/projects", server.adminKey,
                "{\"name\": \"\", \"plan\": \"gold\"}");
        assertEquals(422, both.status(), both.text());
        assertTrue(both.json().get("error").get("details").has("name"), "every bad field: " + both.text());
        assertTrue(both.json().get("error").get("details").has("plan"), both.text());
        TestServer.Response badKey = server.send("POST", "admin/projects/" + id + "/api-keys", server.adminKey,
                "{\"name\": \"\", \"permissions\": [\"nope\"]}");
        assertEquals(422, badKey.status(), badKey.text());
        assertTrue(badKey.json().get("error").get("details").has("name"), badKey.text());
        assertTrue(badKey.json().get("error").get("details").has("permissions"), badKey.text());
        TestServer.Response paging = server.get("files?page=0&per_page=abc");
        assertTrue(paging.json().get("error").get("details").has("page"), paging.text());
        assertTrue(paging.json().get("error").get("details").has("per_page"), paging.text());

        TestServer.Response key = server.send("POST", "admin/projects/" + id + "/api-keys", server.adminKey,
                "{\"name\": \"owner\", \"permissions\": [\"files:read\", \"files:write\", \"files:delete\"]}");
        assertEquals(201, key.status(), key.text());
        String projectKey = key.data().get("key").asText();
        JsonNode file = server.uploaded(projectKey, Multipart.form().file("f.bin", TestContent.random(3, 10)));
        assertEquals(0, server.get("files", server.key).data().findValuesAsText("uuid").stream()
                .filter(file.get("uuid").asText()::equals).count());

        TestServer.Response refused = server.send("DELETE", "admin/projects/" + id, server.adminKey, null);
        assertEquals(409, refused.status());
        assertEquals("CONFLICT", refused.errorCode());
        server.send("DELETE", "files/" + file.get("uuid").asText(), projectKey, null);
        assertEquals(409, server.send("DELETE", "admin/projects/" + id, server.adminKey, null).status());
        server.send("DELETE", "files/trash", projectKey, null);

        TestServer.Response deleted = server.send("DELETE", "admin/projects/" + id, server.adminKey, null);
        assertEquals(200, deleted.status(), deleted.text());
        assertTrue(deleted.data().get("deleted").asBoolean());
        assertEquals(404, server.get("admin/projects/" + id, server.adminKey).status());
        assertEquals(401, server.get("files", projectKey).status());
    }

    /** Keys, webhooks, storage connections and projects are short lists, paged as files are. */
    @Test
    void shortListsArePagedAndCheckTheirPagingParameters() {
        dev.uploadkit.core.auth.Project listed = server.access.createProject("listed", "unlimited");
        String manager = server.access.createKey(listed.id(), "manager",
                java.util.EnumSet.allOf(dev.uploadkit.core.auth.Permission.class), false).plaintext();
        for (int i = 0; i < 4; i++) {
            assertEquals(201, server.send("POST", "api-keys", manager,
                    "{\"name\": \"k" + i + "\", \"permissions\": [\"files:read\"]}").status());
        }
        java.util.Set<String> seen = new java.util.HashSet<>();
        TestServer.Response first = server.get("api-keys?per_page=2", manager);
        assertEquals(200, first.status(), first.text());
        JsonNode meta = first.json().get("meta");
        assertEquals(2, first.data().size());
        assertEquals(5, meta.get("total").asInt());
        assertEquals(3, meta.get("last_page").asInt());
        assertEquals(2, meta.get("per_page").asInt());
        first.data().forEach(k -> seen.add(k.get("id").asText()));
        TestServer.Response third = server.get("api-keys?per_page=2&page=3", manager);
        assertEquals(1, third.data().size());
        assertTrue(third.json().get("meta").get("next_cursor").isNull());
        third.data().forEach(k -> seen.add(k.get("id").asText()));
        TestServer.Response second = server.get("api-keys?per_page=2&cursor="
                + meta.get("next_cursor").asText(), manager);
        assertEquals(2, second.json().get("meta").get("current_page").asInt());
        second.data().forEach(k -> seen.add(k.get("id").asText()));
        assertEquals(5, seen.size(), "the pages hold every key once");
        for (String path : List.of("api-keys", "webhooks", "storage", "admin/projects")) {
            String key = path.startsWith("admin/") ? server.adminKey : manager;
            TestServer.Response bad = server.get(path + "?per_page=abc&page=0", key);
            assertEquals(422, bad.status(), path + ": " + bad.text());
            assertTrue(bad.json().get("error").get("details").has("per_page"), bad.text());
            assertTrue(bad.json().get("error").get("details").has("page"), bad.text());
            assertEquals(422, server.get(path + "?cursor=zzz", key).status(), path);
            assertEquals(422, server.get(path + "?per_page=101", key).status(), path);
        }
    }

    @Test
    void aProjectHoldingAServerAdminKeyIsNotDeleted() {
        dev.uploadkit.core.auth.Project admins = server.access.createProject("admins", "unlimited");
        String otherAdmin = server.access.createKey(admins.id(), "second admin",
                java.util.EnumSet.allOf(dev.uploadkit.core.auth.Permission.class), true).plaintext();
        TestServer.Response refused = server.send("DELETE", "admin/projects/" + admins.id(), server.adminKey, null);
        assertEquals(409, refused.status(), refused.text());
        assertTrue(refused.json().get("error").get("message").asText().contains("admin key"), refused.text());
        assertEquals(200, server.get("admin/projects", otherAdmin).status(), "the key still administers");

        TestServer.Response revoked = server.send("DELETE", "api-keys/" + keyId(otherAdmin, admins), otherAdmin, null);
        assertEquals(200, revoked.status(), revoked.text());
        assertEquals(200, server.send("DELETE", "admin/projects/" + admins.id(), server.adminKey, null).status());
    }

    private String keyId(String plaintext, dev.uploadkit.core.auth.Project project) {
        return server.access.keys(project.id()).stream().filter(k -> plaintext.startsWith(k.prefix())).findFirst()
                .orElseThrow().id().toString();
    }

    @Test
    void adminRoutesValidateAndAnswer404ForUnknownProjects() {
        assertEquals(422, server.send("POST", "admin/projects", server.adminKey, "{\"plan\": \"free\"}").status());
        assertEquals(422, server.send("POST", "admin/projects", server.adminKey, "{\"name\": 7}").status());
        String unknown = UUID.randomUUID().toString();
        assertEquals(404, server.get("admin/projects/" + unknown, server.adminKey).status());
        assertEquals(404, server.get("admin/projects/bad-id", server.adminKey).status());
        assertEquals(404, server.send("DELETE", "admin/projects/" + unknown, server.adminKey, null).status());
        assertEquals(404, server.send("POST", "admin/projects/" + unknown + "/api-keys", server.adminKey,
                "{\"name\": \"k\", \"permissions\": [\"files:read\"]}").status());
    }

    @Test
    void onlyAdminKeysReachAdminRoutes() {
        String projectId = server.project.id().toString();
        for (TestServer.Response r : List.of(
                server.get("admin/projects", server.key),
                server.send("POST", "admin/projects", server.key, "{\"name\": \"x\"}"),
                server.get("admin/projects/" + projectId, server.key),
                server.send("PATCH", "admin/projects/" + projectId, server.key, "{\"name\": \"x\"}"),
                server.send("DELETE", "admin/projects/" + projectId, server.key, null),
                server.send("POST", "admin/projects/" + projectId + "/api-keys", server.key, "{}"))) {
            assertEquals(403, r.status(), r.text());
            assertEquals("FORBIDDEN", r.errorCode());
        }
        assertEquals(401, server.get("admin/projects", null).status());
    }
}
