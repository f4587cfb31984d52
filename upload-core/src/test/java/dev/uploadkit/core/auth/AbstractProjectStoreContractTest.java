package dev.uploadkit.core.auth;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.Upload;
import dev.uploadkit.core.testing.CatalogTestSupport;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.uploadkit.core.testing.TestUploads.T0;
import static dev.uploadkit.core.testing.TestUploads.t;
import static dev.uploadkit.core.testing.TestUploads.upload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The contract of {@link ProjectStore}: projects, their keys, and the rules that tie them to uploads. Each
 * implementation runs it by subclassing and supplying a fresh catalog per test.
 */
public abstract class AbstractProjectStoreContractTest extends CatalogTestSupport {

    @Test
    void projectsAreFoundListedOldestFirstAndUpdated() {
        Project later = new Project(UUID.randomUUID(), "Später \"quoted\"", "pro", t(5));
        Project earlier = new Project(UUID.randomUUID(), "early", "starter", t(-5));
        projects.insertProject(later);
        projects.insertProject(earlier);
        List<Project> sameTime = Stream.of(main, other).sorted(Comparator.comparing(p -> p.id().toString())).toList();
        assertEquals(Stream.of(List.of(earlier), sameTime, List.of(later)).flatMap(List::stream).toList(),
                projects.listProjects());
        assertEquals(Optional.of(later), projects.findProject(later.id()));
        Project renamed = new Project(later.id(), "renamed", "free", later.createdAt());
        assertTrue(projects.updateProject(new Project(later.id(), "renamed", "free", t(99))));
        assertEquals(Optional.of(renamed), projects.findProject(later.id()));
        assertTrue(projects.updateProject(renamed), "an update that changes nothing still finds its project");
        assertFalse(projects.updateProject(new Project(UUID.randomUUID(), "x", "free", T0)));
        assertEquals(Optional.empty(), projects.findProject(UUID.randomUUID()));
        assertCode(ErrorCode.CONFLICT, () -> projects.insertProject(later));
    }

    @Test
    void aProjectHoldingUploadsCannotBeDeleted() {
        ApiKey key = new ApiKey(UUID.randomUUID(), project, "k", "uk_del", keyHash(1), Set.of(), false, T0, null);
        projects.insertKey(key);
        Upload trashed = insert(upload(project).deletedAt(t(1)).build());
        assertCode(ErrorCode.CONFLICT, () -> projects.deleteProject(project));
        assertTrue(projects.findProject(project).isPresent());
        assertTrue(projects.findKeyByPrefix("uk_del").isPresent());
        assertTrue(delete(project, trashed.uuid()));
        assertTrue(projects.deleteProject(project));
        assertEquals(Optional.empty(), projects.findProject(project));
        assertEquals(Optional.empty(), projects.findKeyByPrefix("uk_del"));
        assertFalse(projects.deleteProject(project));
        assertEquals(List.of(other), projects.listProjects());
    }

    @Test
    void keysRoundTripAndTheirPrefixesAreUnique() {
        ApiKey admin = new ApiKey(UUID.randomUUID(), project, "CI key ✓ \"x\"", "uk_Ab12", keyHash(2),
                EnumSet.allOf(Permission.class), true, t(1), null);
        ApiKey reader = new ApiKey(UUID.randomUUID(), project, "reader", "uk_ab12", keyHash(3),
                Set.of(Permission.FILES_READ, Permission.STATS_READ), false, t(0), null);
        ApiKey none = new ApiKey(UUID.randomUUID(), otherProject, "none", "uk_none", keyHash(4), Set.of(), false, t(2),
                t(3));
        for (ApiKey key : List.of(admin, reader, none)) {
            projects.insertKey(key);
            assertKey(key, projects.findKeyByPrefix(key.prefix()).orElseThrow());
        }
        assertKeys(List.of(reader, admin), projects.listKeys(project));
        assertKeys(List.of(none), projects.listKeys(otherProject));
        assertEquals(Optional.empty(), projects.findKeyByPrefix("uk_AB12"));
        ApiKey clash = new ApiKey(UUID.randomUUID(), otherProject, "clash", "uk_Ab12", keyHash(5), Set.of(), false,
                T0, null);
        assertCode(ErrorCode.CONFLICT, () -> projects.insertKey(clash));
        ApiKey orphan = new ApiKey(UUID.randomUUID(), UUID.randomUUID(), "orphan", "uk_orphan", keyHash(6), Set.of(),
                false, T0, null);
        assertCode(ErrorCode.NOT_FOUND, () -> projects.insertKey(orphan));
    }

    @Test
    void onlyTheOwningProjectRevokesALiveKey() {
        ApiKey key = new ApiKey(UUID.randomUUID(), project, "k", "uk_rev", keyHash(7), Set.of(Permission.FILES_READ),
                false, T0, null);
        projects.insertKey(key);
        assertFalse(projects.revokeKey(otherProject, key.id(), t(8)));
        assertFalse(projects.findKeyByPrefix("uk_rev").orElseThrow().isRevoked());
        assertTrue(projects.revokeKey(project, key.id(), t(9)));
        assertFalse(projects.revokeKey(project, key.id(), t(10)));
        assertEquals(t(9), projects.findKeyByPrefix("uk_rev").orElseThrow().revokedAt());
        assertFalse(projects.revokeKey(project, UUID.randomUUID(), t(11)));
    }

    @Test
    void aRevokedKeyCanBeReinstated() {
        ApiKey key = new ApiKey(UUID.randomUUID(), project, "k", "uk_back", keyHash(8), Set.of(Permission.FILES_READ),
                true, T0, null);
        projects.insertKey(key);
        assertFalse(projects.reinstateKey(key.id()));
        assertTrue(projects.revokeKey(project, key.id(), t(9)));
        assertTrue(projects.reinstateKey(key.id()));
        assertFalse(projects.findKeyByPrefix("uk_back").orElseThrow().isRevoked());
        assertFalse(projects.reinstateKey(UUID.randomUUID()));
    }
}
