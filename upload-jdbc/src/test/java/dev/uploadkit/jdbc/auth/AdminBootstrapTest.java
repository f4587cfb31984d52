package dev.uploadkit.jdbc.auth;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.auth.AccessService;
import dev.uploadkit.core.auth.AdminBootstrap;
import dev.uploadkit.core.auth.CreatedKey;
import dev.uploadkit.core.auth.Project;
import dev.uploadkit.jdbc.UploadkitDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first admin key of an installation, on a real catalog. */
class AdminBootstrapTest {
    private UploadkitDatabase database;
    private AccessService access;

    @BeforeEach
    void open() {
        database = UploadkitDatabase.connect("jdbc:h2:mem:bootstrap-" + UUID.randomUUID(), "sa", "");
        access = AccessService.create(database.projects());
    }

    @AfterEach
    void close() {
        database.close();
    }

    @Test
    void theFirstStartMakesTheDefaultProjectAndOneKeyAndLaterStartsNothing() {
        CreatedKey key = AdminBootstrap.ensureAdminKey(access, Optional.empty()).orElseThrow();
        assertTrue(access.authenticate(key.plaintext()).orElseThrow().admin());
        assertEquals(Optional.empty(), AdminBootstrap.ensureAdminKey(access, Optional.empty()));
        assertEquals(1, access.projects().size());
    }

    @Test
    void aMalformedConfiguredKeyIsRefusedBeforeAnythingIsWritten() {
        UploadException e = assertThrows(UploadException.class,
                () -> AdminBootstrap.ensureAdminKey(access, Optional.of("short")));
        assertEquals(ErrorCode.VALIDATION_ERROR, e.code());
        assertEquals(List.of(), access.projects(), "no project without its key");
        assertTrue(AdminBootstrap.ensureAdminKey(access, Optional.empty()).isPresent(), "the next start prints one");
    }

    @Test
    void aFirstStartThatStoppedBeforeTheKeyIsFinishedByTheNext() {
        Project made = access.createProject(AdminBootstrap.DEFAULT_PROJECT, AdminBootstrap.DEFAULT_PLAN);
        CreatedKey key = AdminBootstrap.ensureAdminKey(access, Optional.empty()).orElseThrow();
        assertEquals(made.id(), access.authenticate(key.plaintext()).orElseThrow().projectId());
        assertEquals(1, access.projects().size());
    }

    @Test
    void projectsMadeByTheHostGetNoGeneratedKey() {
        Project shop = access.createProject("shop", "free");
        assertEquals(Optional.empty(), AdminBootstrap.ensureAdminKey(access, Optional.empty()));
        assertEquals(List.of(), access.keys(shop.id()));
    }
}
