package dev.uploadkit.jdbc.webhook;

import dev.uploadkit.core.auth.Project;
import dev.uploadkit.core.catalog.WebhookRecords;
import dev.uploadkit.core.event.EventType;
import dev.uploadkit.core.internal.webhook.WebhookDispatcher;
import dev.uploadkit.core.testing.Poll;
import dev.uploadkit.core.net.OutboundPolicy;
import dev.uploadkit.core.storage.SecretBox;
import dev.uploadkit.core.webhook.CreatedWebhook;
import dev.uploadkit.core.webhook.Webhook;
import dev.uploadkit.core.webhook.WebhookService;
import dev.uploadkit.core.webhook.WebhookTestResult;
import dev.uploadkit.jdbc.testing.TestDatabase;
import dev.uploadkit.jdbc.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URI;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook signing secrets at rest, on every database: a dump of every table holds them only sealed (never the
 * plaintext, nor its base64); rows from before sealing are sealed at start, once; a rotated master key re-seals
 * them; and deliveries stay signed with the secret the creator was shown.
 */
class WebhookSecretsAtRestTest {
    private static final String KEY_TEXT = SecretBox.generateKey();
    private static final SecretBox KEY = SecretBox.parse(KEY_TEXT, null);

    private TestDatabase db;
    private LoopbackReceiver receiver;
    private UUID project;

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.close();
        }
        if (db != null) {
            db.close();
        }
    }

    private void open(TestDatabases.Kind kind) throws Exception {
        db = kind.open();
        receiver = new LoopbackReceiver();
        project = UUID.randomUUID();
        db.projects().insertProject(new Project(project, "p", "free", Instant.now()));
    }

    private WebhookService service(SecretBox box) {
        WebhookService.Builder b = WebhookService.builder().catalog(db.catalog())
                .policy(OutboundPolicy.parse("127.0.0.1/32"));
        return (box == null ? b : b.secrets(box)).build();
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void newSecretsAreSealedAndStillSign(TestDatabases.Kind kind) throws Exception {
        open(kind);
        WebhookService webhooks = service(KEY);
        CreatedWebhook created = webhooks.create(project, receiver.url().toString(),
                Set.of(EventType.UPLOAD_COMPLETED), true);
        assertTrue(created.secret().startsWith("whsec_"), created.secret());

        String dump = dump();
        assertTrue(dump.contains("uk1." + KEY.primaryKeyId() + "."), "the sealed secret is there");
        assertNoPlaintext(dump, created.secret());

        WebhookTestResult sent = webhooks.test(project, created.webhook().id());
        assertTrue(sent.success(), sent::toString);
        assertEquals(1, receiver.received().size());
        assertTrue(receiver.received().get(0).signedWith(created.secret()), "signed with the secret shown once");
        assertEquals(0, webhooks.sealSecrets(), "nothing left to seal");
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void plaintextRowsFromBeforeAreSealedAtStartOnceAndARotationReSealsThem(TestDatabases.Kind kind)
            throws Exception {
        open(kind);
        // Rows as version 11 and earlier wrote them, and as a service without a master key still does.
        String legacy = "whsec_" + "0123456789abcdef".repeat(3);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Webhook old = new Webhook(UUID.randomUUID(), project, receiver.url(), Set.of(EventType.UPLOAD_COMPLETED),
                true, null, 0, now, now);
        db.catalog().inTransaction(tx -> {
            tx.webhooks().insert(old, legacy);
            return null;
        });
        CreatedWebhook unsealed = service(null).create(project, receiver.url().toString(),
                Set.of(EventType.UPLOAD_DELETED), true);
        assertTrue(dump().contains(legacy), "plaintext before the upgrade");

        WebhookService upgraded = service(KEY);
        assertTrue(upgraded.test(project, old.id()).success(), "a plaintext row still signs before it is sealed");
        assertEquals(2, upgraded.sealSecrets());
        assertEquals(0, upgraded.sealSecrets(), "idempotent");
        assertNoPlaintext(dump(), legacy);
        assertNoPlaintext(dump(), unsealed.secret());

        String newKey = SecretBox.generateKey();
        SecretBox rotated = SecretBox.parse(newKey, KEY_TEXT);
        assertEquals(2, service(rotated).sealSecrets(), "both sealed again under the new key");
        assertFalse(dump().contains("uk1." + KEY.primaryKeyId() + "."), "nothing left under the old key");
        WebhookService onlyNew = service(SecretBox.parse(newKey, null));
        assertTrue(onlyNew.test(project, old.id()).success());
        assertTrue(onlyNew.test(project, unsealed.webhook().id()).success());
        List<LoopbackReceiver.Received> got = receiver.received();
        assertEquals(3, got.size());
        assertTrue(got.get(0).signedWith(legacy) && got.get(1).signedWith(legacy), "the same secret throughout");
        assertTrue(got.get(2).signedWith(unsealed.secret()));

        WebhookTestResult noKey = service(null).test(project, old.id());
        assertFalse(noKey.success(), "a sealed secret without its master key sends nothing");
        assertTrue(noKey.error().startsWith("SECRET_UNAVAILABLE"), noKey.error());
        assertEquals(3, receiver.received().size());
    }

    @ParameterizedTest
    @EnumSource(TestDatabases.Kind.class)
    void anInstanceWithoutTheMasterKeyLeavesItsDeliveriesToOneWithItAndCountsNoFailure(TestDatabases.Kind kind)
            throws Exception {
        open(kind);
        CreatedWebhook hook = service(KEY).create(project, receiver.url().toString(),
                Set.of(EventType.UPLOAD_COMPLETED), true);
        UUID delivery = UUID.randomUUID();
        db.catalog().inTransaction(tx -> {
            tx.webhooks().enqueue(List.of(new WebhookRecords.NewDelivery(delivery, hook.webhook().id(), project,
                    UUID.randomUUID(), EventType.UPLOAD_COMPLETED, "{\"n\":1}", Instant.now())));
            return null;
        });
        Duration lease = Duration.ofMillis(300);
        WebhookService otherKey = WebhookService.builder().catalog(db.catalog())
                .policy(OutboundPolicy.parse("127.0.0.1/32")).secrets(SecretBox.parse(SecretBox.generateKey(), null))
                .timeout(Duration.ofMillis(150)).lease(lease).pollInterval(Duration.ofMillis(50)).build();
        try (WebhookDispatcher withoutKey = otherKey.newDispatcher("without-key")) {
            withoutKey.start();
            assertTrue(Poll.until(() -> column("lease_token", delivery) != null, Duration.ofSeconds(20)),
                    "claimed by the instance without the key");
            String token = column("lease_token", delivery);
            Instant leaseEnd = Instant.now().plus(lease); // at the latest
            // Left unsent, and not claimed again by that instance after its lease ran out (polling every 50 ms).
            assertTrue(Poll.until(() -> Instant.now().isAfter(leaseEnd.plusMillis(600))
                    && token.equals(column("lease_token", delivery)), Duration.ofSeconds(20)),
                    "the instance without the key leaves the webhook's deliveries alone");
        }
        assertEquals("pending", column("status", delivery));
        assertEquals("0", column("attempts", delivery), "no attempt is recorded: nothing reached the receiver");
        assertEquals(0, service(KEY).get(project, hook.webhook().id()).consecutiveFailures(),
                "the receiver's subscription is not charged for it");
        assertEquals(0, receiver.received().size());

        try (WebhookDispatcher withKey = WebhookService.builder().catalog(db.catalog())
                .policy(OutboundPolicy.parse("127.0.0.1/32")).secrets(KEY).timeout(Duration.ofSeconds(5))
                .lease(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50)).build().newDispatcher("with-key")) {
            withKey.start();
            assertTrue(Poll.until(() -> "succeeded".equals(column("status", delivery)), Duration.ofSeconds(20)));
        }
        assertEquals(1, receiver.received().size());
        assertTrue(receiver.received().get(0).signedWith(hook.secret()));
    }

    /** One column of a delivery's row, as text. */
    private String column(String column, UUID delivery) {
        try (Connection c = db.dataSource().getConnection();
             java.sql.PreparedStatement s = c.prepareStatement("SELECT " + column
                     + " FROM webhook_deliveries WHERE id = ?")) {
            if (db.jdbcUrl().startsWith("jdbc:mariadb") || db.jdbcUrl().startsWith("jdbc:mysql")) {
                s.setString(1, delivery.toString());
            } else {
                s.setObject(1, delivery);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNoPlaintext(String dump, String secret) {
        assertFalse(dump.contains(secret), "no plaintext secret in any table");
        String hex = secret.substring("whsec_".length());
        assertFalse(dump.contains(hex), "nor its random part");
        assertFalse(dump.contains(Base64.getEncoder().encodeToString(secret.getBytes())), "nor base64 of it");
    }

    /** Every value of every table of the catalog, as text. */
    private String dump() throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = db.dataSource().getConnection()) {
            DatabaseMetaData meta = c.getMetaData();
            String quote = meta.getIdentifierQuoteString();
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertTrue(tables.stream().anyMatch(t -> t.equalsIgnoreCase("webhooks")), tables::toString);
            for (String table : tables) {
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + quote + table + quote)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            all.append(rs.getString(i)).append('\n');
                        }
                    }
                }
            }
        }
        return all.toString();
    }
}
