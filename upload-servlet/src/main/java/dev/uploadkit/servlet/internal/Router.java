package dev.uploadkit.servlet.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Matches a method and a path (relative to the mount) to a route. Patterns are {@code /}-separated segments,
 * literal or {@code {name}}; when several patterns match a path the one with more literal segments wins, so
 * {@code files/trash} is never taken for {@code files/{uuid}}. {@code HEAD} is answered by a {@code GET} route.
 */
public final class Router {
    private final List<PathRoutes> paths = new ArrayList<>();

    /** A route: what it needs of the caller and who answers it. */
    public record Route(String method, String pattern, Access access, Handler handler) {
    }

    /**
     * The outcome of matching: a route with its path parameters, or no route and the methods the path allows
     * (empty for an unknown path).
     */
    public record Match(Route route, Map<String, String> params, List<String> allowed) {
        public boolean found() {
            return route != null;
        }
    }

    public Router add(String method, String pattern, Access access, Handler handler) {
        Objects.requireNonNull(access, "access");
        Objects.requireNonNull(handler, "handler");
        String[] segments = split(pattern);
        PathRoutes target = null;
        for (PathRoutes p : paths) {
            if (p.pattern.equals(pattern)) {
                target = p;
            }
        }
        if (target == null) {
            target = new PathRoutes(pattern, segments);
            paths.add(target);
        }
        if (target.byMethod.putIfAbsent(method, new Route(method, pattern, access, handler)) != null) {
            throw new IllegalArgumentException("Two routes for " + method + " " + pattern);
        }
        return this;
    }

    /** Returns every route, in the order the paths were first added. */
    public List<Route> routes() {
        List<Route> all = new ArrayList<>();
        paths.forEach(p -> all.addAll(p.byMethod.values()));
        return List.copyOf(all);
    }

    public Match match(String method, String path) {
        String[] segments = split(path == null ? "" : path);
        PathRoutes best = null;
        Map<String, String> bestParams = null;
        for (PathRoutes p : paths) {
            Map<String, String> params = p.match(segments);
            if (params != null && (best == null || p.literals > best.literals)) {
                best = p;
                bestParams = params;
            }
        }
        if (best == null) {
            return new Match(null, Map.of(), List.of());
        }
        Route route = best.byMethod.get("HEAD".equals(method) ? "GET" : method);
        if (route == null) {
            List<String> allowed = new ArrayList<>(best.byMethod.keySet());
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            return new Match(null, Map.of(), List.copyOf(allowed));
        }
        return new Match(route, Map.copyOf(bestParams), List.of());
    }

    private static String[] split(String path) {
        String p = path;
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }

    private static final class PathRoutes {
        final String pattern;
        final String[] segments;
        final int literals;
        final Map<String, Route> byMethod = new LinkedHashMap<>();

        PathRoutes(String pattern, String[] segments) {
            this.pattern = pattern;
            this.segments = segments;
            int n = 0;
            for (String s : segments) {
                if (!isParam(s)) {
                    n++;
                }
            }
            this.literals = n;
        }

        Map<String, String> match(String[] path) {
            if (path.length != segments.length) {
                return null;
            }
            Map<String, String> params = new LinkedHashMap<>();
            for (int i = 0; i < path.length; i++) {
                if (isParam(segments[i])) {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    params.put(segments[i].substring(1, segments[i].length() - 1), path[i]);
                } else if (!segments[i].equals(path[i])) {
                    return null;
                }
            }
            return params;
        }

        private static boolean isParam(String segment) {
            return segment.startsWith("{") && segment.endsWith("}");
        }
    }
}
