package org.m2mbridge.core.bus;

import java.util.List;
import java.util.Optional;

/**
 * Chooses the upstream for a request coming from downstream, by the {@code to} forms of TS-0004 6.2
 * (primitives.md 7): an SP-relative {@code /cse-id/...} or absolute {@code //sp-id/cse-id/...} target goes to the
 * upstream whose CSE-ID (and SP-ID) it names, or to the first configured rule whose prefix matches; anything else
 * (CSE-relative: addressed to the registrar) goes to the default route. The bridge is not a CSE: it never hosts.
 */
public final class RouteTable {

    /** A configured rule: {@code to} starting with {@code prefix} (at a path-segment boundary) goes to upstream. */
    public record Rule(String prefix, String upstream) {
    }

    private final List<Rule> rules;
    private final String defaultUpstream;

    public RouteTable(List<Rule> rules, String defaultUpstream) {
        this.rules = List.copyOf(rules);
        this.defaultUpstream = defaultUpstream;
    }

    /** The upstream name for {@code to}, from rules, upstream CSE-IDs, then the default; empty if none applies. */
    public Optional<String> resolve(String to, List<? extends Upstream> upstreams) {
        if (to != null) {
            for (Rule r : rules) {
                if (startsWithSegment(to, r.prefix())) {
                    return Optional.of(r.upstream());
                }
            }
            for (Upstream u : upstreams) {
                if (targets(to, u)) {
                    return Optional.of(u.name());
                }
            }
        }
        return Optional.ofNullable(defaultUpstream);
    }

    /** True when {@code to} is SP-relative or absolute and names {@code u}'s CSE. */
    static boolean targets(String to, Upstream u) {
        String cse = u.cseId();
        if (cse == null) {
            return false;
        }
        if (to.startsWith("//")) {
            String sp = u.spId();
            return sp != null && startsWithSegment(to, sp + cse);
        }
        return startsWithSegment(to, cse);
    }

    static boolean startsWithSegment(String to, String prefix) {
        return to.startsWith(prefix) && (to.length() == prefix.length() || to.charAt(prefix.length()) == '/'
                || prefix.endsWith("/"));
    }
}
