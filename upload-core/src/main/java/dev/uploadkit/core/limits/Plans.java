package dev.uploadkit.core.limits;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plans a service knows: {@code free}, {@code starter}, {@code pro} and {@code unlimited} by default, plus
 * or instead of them those a host configures. Immutable.
 */
public final class Plans {
    private final Map<String, Plan> byName;

    private Plans(Map<String, Plan> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Returns the seed's plans and {@code unlimited}. */
    public static Plans defaults() {
        return of(List.of(Plan.FREE, Plan.STARTER, Plan.PRO, Plan.UNLIMITED));
    }

    /** Returns exactly these plans; a later plan of the same name replaces an earlier one. */
    public static Plans of(Collection<Plan> plans) {
        Map<String, Plan> map = new LinkedHashMap<>();
        plans.forEach(p -> map.put(p.name(), p));
        return new Plans(map);
    }

    /**
     * Returns the default plans with {@code text}'s plans added or replacing defaults of the same name; {@code text}
     * is a comma-separated list of {@code name:monthly:burst} ({@link Plan#parse}), blank for none.
     */
    public static Plans defaultsWith(String text) {
        Map<String, Plan> map = new LinkedHashMap<>(defaults().byName);
        if (text != null && !text.isBlank()) {
            for (String item : text.split(",")) {
                Plan plan = Plan.parse(item);
                map.put(plan.name(), plan);
            }
        }
        return new Plans(map);
    }

    public Optional<Plan> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
