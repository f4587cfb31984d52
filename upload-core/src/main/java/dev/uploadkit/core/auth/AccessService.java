package dev.uploadkit.core.auth;

import dev.uploadkit.core.ErrorCode;
import dev.uploadkit.core.IdSource;
import dev.uploadkit.core.UploadException;
import dev.uploadkit.core.internal.LookupCache;
import dev.uploadkit.core.internal.Problems;
import dev.uploadkit.core.limits.Plan;
import dev.uploadkit.core.limits.Plans;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Projects and API keys: creating them, and turning a presented key into a {@link Principal}.
 *
 * <p>A key reads {@code uk_<12 chars>_<32 chars>}; the first part is its stored, public prefix, the whole key
 * is stored only as a SHA-256 hash (keys carry 190 random bits, so a fast hash is enough) and compared in
 * constant time.
 *
 * <p>Keys (by prefix) and projects (for {@link #planOf}) are kept in memory for a short time, {@link
 * #DEFAULT_LOOKUP_TTL} unless configured, so that a request does not read them from the database each time. A change
 * made through this service (revoking a key, changing or deleting a project) applies at once on this instance; one
 * made through another instance on the same database applies here once the entry expires. An unknown key is never
 * kept, so a key created elsewhere works at once. Thread-safe.
 */
public final class AccessService {
    /** Plans every service knows; hosts may configure more ({@link Plans}). */
    public static final Set<String> DEFAULT_PLANS = Plans.defaults().names();

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final int PREFIX_RANDOM = 12;
    private static final int SECRET_RANDOM = 32;
    private static final int MAX_NAME = 100;
    private static final int MIN_IMPORTED_LENGTH = 24;
    private static final int MAX_IMPORTED_LENGTH = 256;
    private static final int MAX_CACHED = 10_000;

    /** How long a key or a project's plan read from the store is used before it is read again, unless configured. */
    public static final Duration DEFAULT_LOOKUP_TTL = Duration.ofSeconds(3);

    private final ProjectStore store;
    private final Clock clock;
    private final IdSource ids;
    private final Plans plans;
    private final SecureRandom random = new SecureRandom();
    private final LookupCache<String, Optional<ApiKey>> keysByPrefix;
    private final LookupCache<UUID, Project> projectsById;

    /** Knows the plans named; those that are not default plans have no limits. */
    public AccessService(ProjectStore store, Clock clock, IdSource ids, Set<String> plans) {
        this(store, clock, ids, Plans.of(plans.stream()
                .map(n -> Plans.defaults().find(n).orElseGet(() -> new Plan(n, 0, 0))).toList()));
    }

    public AccessService(ProjectStore store, Clock clock, IdSource ids, Plans plans) {
        this(store, clock, ids, plans, DEFAULT_LOOKUP_TTL);
    }

    /**
     * Like {@link #AccessService(ProjectStore, Clock, IdSource, Plans)}, keeping keys and plans read from the store
     * for {@code lookupTtl} (zero: read them on every request).
     *
     * @throws IllegalArgumentException if {@code lookupTtl} is negative
     */
    public AccessService(ProjectStore store, Clock clock, IdSource ids, Plans plans, Duration lookupTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.plans = Objects.requireNonNull(plans, "plans");
        if (lookupTtl == null || lookupTtl.isNegative()) {
            throw new IllegalArgumentException("lookupTtl: must be zero or positive, was " + lookupTtl
                    + "; use for example " + DEFAULT_LOOKUP_TTL);
        }
        this.keysByPrefix = new LookupCache<>(lookupTtl, MAX_CACHED);
        this.projectsById = new LookupCache<>(lookupTtl, MAX_CACHED);
    }

    public static AccessService create(ProjectStore store) {
        return create(store, Plans.defaults());
    }

    /** Returns a service that knows {@code plans}, for example {@code Plans.defaultsWith("business:5000000:5000")}. */
    public static AccessService create(ProjectStore store, Plans plans) {
        return create(store, plans, DEFAULT_LOOKUP_TTL);
    }

    /**
     * Returns a service that knows {@code plans} and uses keys and plans read from the store for {@code lookupTtl}
     * (zero: reads them on every request).
     */
    public static AccessService create(ProjectStore store, Plans plans, Duration lookupTtl) {
        Clock clock = Clock.systemUTC();
        return new AccessService(store, clock, IdSource.timeOrdered(clock), plans, lookupTtl);
    }

    /** Returns the plans projects may be on. */
    public Plans plans() {
        return plans;
    }

    /**
     * Returns the plan the project is on: at once after a change through this service, within the lookup TTL after
     * one through another instance. A project whose plan is no longer configured has no limits.
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown project
     */
    public Plan planOf(UUID projectId) {
        String name = projectsById.get(projectId, this::project).plan();
        return plans.find(name).orElseGet(() -> new Plan(name, 0, 0));
    }

    /** Creates a project; throws {@code VALIDATION_ERROR} for a blank name or an unknown plan. */
    public Project createProject(String name, String plan) {
        String p = plan == null ? "free" : plan;
        checkBoth(() -> checkName(name), () -> checkPlan(p));
        Project project = new Project(ids.next(), checkName(name), checkPlan(p), now());
        store.insertProject(project);
        return project;
    }

    /** Returns the project or throws {@code NOT_FOUND}. */
    public Project project(UUID id) {
        return store.findProject(id).orElseThrow(() -> UploadException.notFound("Project"));
    }

    public List<Project> projects() {
        return store.listProjects();
    }

    /** Renames a project or changes its plan; {@code null} leaves a field as it is. */
    public Project updateProject(UUID id, String name, String plan) {
        Project current = project(id);
        checkBoth(() -> name == null ? null : checkName(name), () -> plan == null ? null : checkPlan(plan));
        Project next = new Project(id, name == null ? current.name() : checkName(name),
                plan == null ? current.plan() : checkPlan(plan), current.createdAt());
        boolean updated = store.updateProject(next);
        projectsById.invalidate(id);
        if (!updated) {
            throw UploadException.notFound("Project");
        }
        return next;
    }

    /**
     * Deletes a project and its keys; {@code NOT_FOUND} if unknown, {@code CONFLICT} while it holds a live
     * server-admin key (deleting it would lock the server's administration out).
     */
    public void deleteProject(UUID id) {
        if (store.listKeys(id).stream().anyMatch(k -> k.admin() && k.revokedAt() == null)) {
            throw new UploadException(ErrorCode.CONFLICT, "The project holds a server-admin key; deleting it would "
                    + "leave the server without one.");
        }
        boolean deleted = store.deleteProject(id);
        projectsById.invalidate(id);
        keysByPrefix.invalidateIf((prefix, key) -> key.isPresent() && key.get().projectId().equals(id));
        if (!deleted) {
            throw UploadException.notFound("Project");
        }
    }

    /**
     * Creates a key in a project. The returned {@link CreatedKey#plaintext()} is the only copy of the key.
     *
     * @throws UploadException {@code NOT_FOUND} for an unknown project, {@code VALIDATION_ERROR} for a blank
     *     name or no permissions
     */
    public CreatedKey createKey(UUID projectId, String name, Set<Permission> permissions, boolean admin) {
        project(projectId);
        if (permissions == null || permissions.isEmpty()) {
            throw UploadException.validation("permissions", "The permissions must name at least one permission.");
        }
        String prefix = "uk_" + randomText(PREFIX_RANDOM);
        String plaintext = prefix + "_" + randomText(SECRET_RANDOM);
        ApiKey key = new ApiKey(ids.next(), projectId, checkName(name), prefix, hash(plaintext),
                EnumSet.copyOf(permissions), admin, now(), null);
        store.insertKey(key);
        return new CreatedKey(key, plaintext);
    }

    /**
     * Creates a key with a given plaintext (a configured admin key): any 24–256 printable ASCII characters
     * without spaces. Re-creating an existing key with the same text returns the stored key, made live again if it
     * had been revoked.
     *
     * @throws UploadException {@code VALIDATION_ERROR} for any other text
     */
    public ApiKey importKey(UUID projectId, String name, String plaintext, Set<Permission> permissions,
                            boolean admin) {
        String prefix = checkImportable(plaintext);
        Optional<ApiKey> existing = store.findKeyByPrefix(prefix);
        if (existing.isPresent()) {
            if (!MessageDigest.isEqual(existing.get().keyHash(), hash(plaintext))) {
                throw new UploadException(ErrorCode.CONFLICT, "Another key with the same prefix exists.");
            }
            if (existing.get().isRevoked()) {
                // A configured key always works after start, even if someone revoked it meanwhile.
                store.reinstateKey(existing.get().id());
                keysByPrefix.invalidate(prefix);
                return store.findKeyByPrefix(prefix).orElseThrow();
            }
            return existing.get();
        }
        ApiKey key = new ApiKey(ids.next(), projectId, checkName(name), prefix, hash(plaintext),
                EnumSet.copyOf(permissions), admin, now(), null);
        store.insertKey(key);
        return key;
    }

    public List<ApiKey> keys(UUID projectId) {
        return store.listKeys(projectId);
    }

    /** Revokes a live key of the project; {@code NOT_FOUND} otherwise. */
    public void revokeKey(UUID projectId, UUID keyId) {
        boolean revoked = store.revokeKey(projectId, keyId, now());
        keysByPrefix.invalidateIf((prefix, key) -> key.isPresent() && key.get().id().equals(keyId));
        if (!revoked) {
            throw UploadException.notFound("API key");
        }
    }

    /**
     * Returns the caller a presented key stands for, or empty for a malformed, unknown or revoked key.
     * The time taken does not depend on how much of a known prefix's key matched. A key revoked through this
     * service fails at once; one revoked through another instance fails within the lookup TTL.
     */
    public Optional<Principal> authenticate(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        return prefixOf(presented)
                .flatMap(prefix -> keysByPrefix.get(prefix, store::findKeyByPrefix, Optional::isPresent))
                .filter(k -> MessageDigest.isEqual(k.keyHash(), hash(presented)))
                .filter(k -> !k.isRevoked())
                .map(k -> new Principal(k.projectId(), k.id(), k.permissions(), k.admin()));
    }

    /**
     * Returns the prefix {@code plaintext} would be stored under as an imported key.
     *
     * @throws UploadException {@code VALIDATION_ERROR} unless it is 24–256 printable ASCII characters without spaces
     */
    public static String checkImportable(String plaintext) {
        return prefixOf(Objects.requireNonNull(plaintext, "plaintext"))
                .orElseThrow(() -> UploadException.validation("key", "The key must be " + MIN_IMPORTED_LENGTH
                        + "-" + MAX_IMPORTED_LENGTH + " printable ASCII characters without spaces."));
    }

    /**
     * Returns the public prefix a presented key is stored and listed under (what request logs show of it), or empty
     * if it is not shaped like a key. Never returns any secret part of the key.
     */
    public static Optional<String> publicPrefix(String presented) {
        return presented == null ? Optional.empty() : prefixOf(presented);
    }

    /**
     * Returns the stored prefix of a key: its first part for generated keys; for an imported key of another
     * shape, a name derived from its hash (so it can still be looked up without being stored).
     */
    private static Optional<String> prefixOf(String key) {
        int len = 3 + PREFIX_RANDOM + 1 + SECRET_RANDOM;
        if (key.length() == len && key.startsWith("uk_") && key.charAt(3 + PREFIX_RANDOM) == '_'
                && key.chars().filter(c -> ALPHABET.indexOf(c) < 0).count() == 2) {
            return Optional.of(key.substring(0, 3 + PREFIX_RANDOM));
        }
        if (key.length() >= MIN_IMPORTED_LENGTH && key.length() <= MAX_IMPORTED_LENGTH
                && key.chars().allMatch(c -> c > ' ' && c < 127)) {
            return Optional.of("ukx_" + java.util.HexFormat.of().formatHex(hash(key), 0, 6));
        }
        return Optional.empty();
    }

    /** Runs both checks, so that one {@code VALIDATION_ERROR} names every bad field. */
    private static void checkBoth(Supplier<String> first, Supplier<String> second) {
        Problems problems = new Problems();
        problems.attempt(first);
        problems.attempt(second);
        problems.throwIfAny();
    }

    private String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw UploadException.validation("name", "The name is required.");
        }
        String n = name.strip();
        if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
            throw UploadException.validation("name", "The name must be at most " + MAX_NAME
                    + " characters without control characters.");
        }
        return n;
    }

    private String checkPlan(String plan) {
        if (plans.find(plan).isEmpty()) {
            throw UploadException.validation("plan", "The plan must be one of "
                    + plans.names().stream().sorted().toList() + ".");
        }
        return plan;
    }

    private String randomText(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
