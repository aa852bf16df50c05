package org.m2mbridge.core.bus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Which next hop a request goes to. From downstream: the upstream the {@link RouteTable} names for its {@code to}.
 * From upstream: the registered entity its {@code to} addresses ({@link #findEntity}), or the one whose point of
 * access it arrived at ({@link #entity}); the link that entity is bound to is the {@link EntityDirectory}'s answer.
 * Reads only: it never changes a registration, and reports an expired one to whoever ends it.
 */
final class Router {
    private final Upstreams upstreams;
    private final EntityDirectory directory;
    private final Supplier<Deadlines> deadlines;
    private final Consumer<Registration> expired;
    /** Replaced as a whole by a reload; read once per request. */
    private volatile RouteTable routes;

    /**
     * @param expired told of a registration found past its expiration time (it must not block: the router is on
     *                the caller's thread)
     */
    Router(Upstreams upstreams, EntityDirectory directory, RouteTable routes, Supplier<Deadlines> deadlines,
           Consumer<Registration> expired) {
        this.upstreams = upstreams;
        this.directory = directory;
        this.routes = routes;
        this.deadlines = deadlines;
        this.expired = expired;
    }

    void reroute(RouteTable routes) {
        this.routes = routes;
    }

    /** The upstream for a request from downstream addressed to {@code to}; empty when no route applies. */
    Optional<Upstream> upstreamFor(String to) {
        return routes.resolve(to, upstreams.all()).flatMap(upstreams::named);
    }

    /**
     * The registered entity {@code nextHop} names, whatever the request's {@code to}: the point of access names
     * the next hop and {@code to} the target (TS-0009 6.2.2.1, TS-0010 6.4.2).
     */
    Optional<Registration> entity(String nextHop) {
        return directory.registration(nextHop);
    }

    /**
     * The registered entity a {@code to} addresses: the entity ID itself, or an SP-relative/absolute form whose
     * CSE-ID is a registered CSE or whose first path segment after the CSE-ID is a registered AE-ID
     * (primitives.md 7: {@code /cse2/C3532ea3}, {@code //example.net/cse2/C3532ea3}). A registration whose
     * expiration time has passed is not found (and is reported expired now rather than at the next sweep).
     */
    Optional<Registration> findEntity(String to) {
        Optional<Registration> found = findRegistered(to);
        if (found.isPresent() && found.get().isExpired(deadlines.get().now())) {
            expired.accept(found.get());
            return Optional.empty();
        }
        return found;
    }

    private Optional<Registration> findRegistered(String to) {
        if (to == null || to.isEmpty()) {
            return Optional.empty();
        }
        Optional<Registration> exact = directory.registration(to);
        if (exact.isPresent()) {
            return exact;
        }
        String spRelative = to;
        if (to.startsWith("//")) {
            int slash = to.indexOf('/', 2);
            if (slash < 0) {
                return Optional.empty();
            }
            spRelative = to.substring(slash);
        }
        for (String candidate : candidates(spRelative)) {
            Optional<Registration> r = directory.registration(candidate);
            if (r.isPresent()) {
                return r;
            }
        }
        return Optional.empty();
    }

    private static List<String> candidates(String to) {
        List<String> out = new ArrayList<>(4);
        String[] seg = to.split("/", -1);
        if (to.startsWith("/") && seg.length >= 2) {
            out.add(to);
            out.add("/" + seg[1]); // registered CSE: /id-mn/...
            if (seg.length >= 3) {
                out.add(seg[2]); // AE-ID relative to its registrar: /id-in/Cae1
                out.add("/" + seg[1] + "/" + seg[2]);
            }
        } else if (seg.length >= 1) {
            out.add(seg[0]);
        }
        return out;
    }
}
