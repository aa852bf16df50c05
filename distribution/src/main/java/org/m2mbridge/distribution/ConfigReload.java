package org.m2mbridge.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RouteTable;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstalledBindings;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.ReloadResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reload (SIGHUP, {@code POST /-/reload}; docs/operations.md "Reload"), as nginx and Prometheus do it: the file is
 * read and checked completely first (the same {@link Main#verify} as {@code check-config} and every start), and a
 * file that fails is refused with the running configuration kept. Then the parts that can change without dropping a
 * device connection are applied in small steps: new and changed upstreams are started and put on the bus, the
 * bindings take their new material ({@link Binding#reconfigure}), routes and deadlines are swapped, removed and
 * replaced upstreams finish their in-flight requests and close. Keys that only a restart changes (listeners, store,
 * ...) are reported as needing one; the rest is applied anyway.
 */
final class ConfigReload {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigReload.class);

    /**
     * Core's keys a reload applies; with those each installed binding declares
     * ({@link BindingConfiguration#reloadableKeys}), every other changed key needs a restart. The README and
     * docs/operations.md list the same.
     */
    static final Set<String> RELOADABLE = Set.of(
            "upstreams", "routes",
            "timeouts.request", "timeouts.maxRequest", "timeouts.shutdownGrace",
            "limits.maxConnections", "limits.maxConnectionsPerAddress", "limits.maxInflightPerConnection",
            "limits.maxEntitiesPerConnection", "limits.requestsPerSecondPerConnection",
            "limits.requestBurstPerConnection");

    /**
     * What a reload did.
     *
     * @param result       applied, or refused/failed with {@code error}; null when reload is not available
     * @param invalid      the new file was refused (parse, validation, key store): an operator error (HTTP 400)
     * @param changed      the keys applied
     * @param needsRestart changed keys that keep their running value until a restart
     * @param warnings     the checks' warnings (an upstream host that does not resolve yet, ...)
     */
    record Outcome(ReloadResult result, boolean invalid, List<String> changed, List<String> needsRestart,
                   List<String> warnings, String error) {
        static Outcome refused(boolean invalid, String error) {
            return new Outcome(ReloadResult.FAILURE, invalid, List.of(), List.of(), List.of(), error);
        }

        /** Reload is not available (no configuration file, demo mode): nothing tried, nothing counted. */
        static Outcome unavailable(String why) {
            return new Outcome(null, false, List.of(), List.of(), List.of(), "reload is not available: " + why);
        }

        boolean unavailable() {
            return result == null;
        }

        boolean applied() {
            return result == ReloadResult.SUCCESS;
        }
    }

    private final Path file;
    private final InstanceLayout layout;
    private final PrimitiveBus bus;
    private final List<Binding> bindings;
    private final BridgeMetrics metrics;
    /** As the bridge started: what a restart-only key is compared with. */
    private final BridgeConfig started;
    /** The last configuration applied: what a reloadable key is compared with. */
    private BridgeConfig current;
    /** Per upstream, a digest of the key and trust files it names: a changed file replaces the upstream. */
    private Map<String, String> tlsFiles;
    /** {@link #RELOADABLE} and the installed bindings' reloadable keys. */
    private final Set<String> reloadable;

    ConfigReload(Path file, InstanceLayout layout, BridgeConfig started, PrimitiveBus bus, List<Binding> bindings,
                 BridgeMetrics metrics) {
        this.file = file;
        this.layout = layout;
        this.started = started;
        this.current = started;
        this.bus = bus;
        this.bindings = List.copyOf(bindings);
        this.metrics = metrics;
        this.tlsFiles = tlsDigests(started);
        this.reloadable = reloadable(started.bindings());
    }

    /** The keys a reload applies with {@code installed}: core's and each binding's. */
    static Set<String> reloadable(InstalledBindings installed) {
        Set<String> out = new HashSet<>(RELOADABLE);
        installed.byName().values().forEach(b -> out.addAll(b.reloadableKeys()));
        return Set.copyOf(out);
    }

    /** The configuration in effect: the one at the start with the reloads applied since. */
    synchronized BridgeConfig current() {
        return current;
    }

    /** Reads the file again and applies it, or keeps the running configuration; logs one line either way. */
    synchronized Outcome reload() {
        BridgeConfig next;
        List<String> warnings;
        try {
            next = ConfigLoader.load(file, InstalledBindings.of(bindings));
            warnings = Main.verify(next, layout, bindings);
            LogConfigReload.check();
        } catch (ConfigException e) {
            return refused(true, e.getMessage());
        } catch (RuntimeException e) {
            return refused(true, FailureWords.describe(e));
        }
        List<String> needsRestart = changedKeys("", started, next).stream()
                .filter(k -> reloadableAs(k, reloadable).isEmpty()).toList();
        List<String> changed = new ArrayList<>(changedKeys("", current, next).stream()
                .flatMap(k -> reloadableAs(k, reloadable).stream()).distinct().toList());
        try {
            apply(next, changed);
        } catch (RuntimeException e) {
            LOG.debug("details of the reload failure", e);
            return refused(false, FailureWords.describe(e));
        }
        if (LogConfigReload.apply()) {
            changed.add("logging (" + LogConfigReload.file().orElseThrow() + ")");
        }
        metrics.reloaded(ReloadResult.SUCCESS);
        LOG.info("configuration reloaded from {}: {}{}", file,
                changed.isEmpty() ? "nothing changed" : "applied " + String.join(", ", changed),
                needsRestart.isEmpty() ? "" : "; needs a restart (running values kept): "
                        + String.join(", ", needsRestart));
        warnings.forEach(w -> LOG.warn("reload: {}", w));
        return new Outcome(ReloadResult.SUCCESS, false, List.copyOf(changed), needsRestart, warnings, null);
    }

    private Outcome refused(boolean invalid, String reason) {
        metrics.reloaded(ReloadResult.FAILURE);
        LOG.error("configuration reload refused, running configuration kept: {}", reason);
        return Outcome.refused(invalid, reason);
    }

    /**
     * New and changed upstreams are started before anything is swapped, so a failure there (or in a binding's
     * material) leaves the running configuration whole; then the swaps, which cannot fail.
     */
    private void apply(BridgeConfig next, List<String> changed) {
        Map<String, String> nextTls = tlsDigests(next);
        Map<String, UpstreamConfig> before = byName(current.upstreams());
        List<Upstream> fresh = new ArrayList<>();
        List<String> upstreamChanges = new ArrayList<>();
        try {
            for (UpstreamConfig u : next.upstreams()) {
                UpstreamConfig old = before.get(u.name());
                boolean filesChanged = !Objects.equals(tlsFiles.get(u.name()), nextTls.get(u.name()));
                if (old == null || !old.equals(u) || filesChanged) {
                    fresh.add(binding(u).startUpstream(u));
                    upstreamChanges.add(u.name() + (old == null ? " added" : filesChanged && old.equals(u)
                            ? " key/trust files re-read" : " changed"));
                }
            }
            for (Binding b : bindings) {
                b.reconfigure(next);
            }
        } catch (RuntimeException e) {
            fresh.forEach(u -> retire(u, Duration.ZERO));
            throw e;
        }
        for (Upstream u : fresh) {
            metrics.upstreamConfigured(u.name());
            bus.putUpstream(u).ifPresent(old -> retire(old, next.timeouts().maxRequest()));
        }
        bus.reconfigure(routes(next), deadlines(next));
        Map<String, UpstreamConfig> after = byName(next.upstreams());
        for (String name : before.keySet()) {
            if (!after.containsKey(name)) {
                bus.removeUpstream(name).ifPresent(old -> retire(old, next.timeouts().maxRequest()));
                upstreamChanges.add(name + " removed");
            }
        }
        if (!upstreamChanges.isEmpty()) {
            changed.remove("upstreams");
            changed.add(0, "upstreams (" + String.join(", ", upstreamChanges) + ")");
        }
        for (BindingConfiguration b : next.bindings().byName().values()) {
            for (String material : b.materialReadOnReload(next)) { // read again whether or not its keys changed
                changed.removeIf(k -> k.startsWith(material + "."));
                changed.add(material + " (key and trust material)");
            }
        }
        current = next;
        tlsFiles = nextTls;
    }

    /** The key of {@code reloadable} that is {@code key} or above it ({@code routes} for {@code routes.rules}). */
    static java.util.Optional<String> reloadableAs(String key, Set<String> reloadable) {
        for (int dot = key.length(); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            if (reloadable.contains(key.substring(0, dot))) {
                return java.util.Optional.of(key.substring(0, dot));
            }
        }
        return java.util.Optional.empty();
    }

    /** The bus's routing and deadline tables, built as at the start (Bridge). */
    static RouteTable routes(BridgeConfig config) {
        return new RouteTable(config.routes().rules().stream()
                .map(r -> new RouteTable.Rule(r.prefix(), r.upstream())).toList(), config.routes().defaultUpstream());
    }

    static Deadlines deadlines(BridgeConfig config) {
        return new Deadlines(config.timeouts().request(), config.timeouts().maxRequest(), Clock.systemUTC());
    }

    /** Off the caller's thread: the old upstream's requests in flight finish (or time out) for up to {@code grace}. */
    private void retire(Upstream old, Duration grace) {
        Binding owner = bindings.stream().filter(b -> b.name().equals(old.binding())).findFirst().orElse(null);
        if (owner == null) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                owner.retireUpstream(old, grace);
                LOG.info("upstream {} ({}) retired after reload", old.name(), old.id());
            } catch (RuntimeException e) {
                LOG.warn("upstream {} did not close cleanly after reload: {}", old.name(), FailureWords.describe(e));
            }
        }, "retire-" + old.name());
        t.setDaemon(true);
        t.start();
    }

    private Binding binding(UpstreamConfig u) {
        return bindings.stream().filter(b -> b.name().equals(u.binding())).findFirst()
                .orElseThrow(() -> new ConfigException("upstreams: no installed binding for " + u.binding()));
    }

    private static Map<String, UpstreamConfig> byName(List<UpstreamConfig> upstreams) {
        Map<String, UpstreamConfig> out = new LinkedHashMap<>();
        upstreams.forEach(u -> out.put(u.name(), u));
        return out;
    }

    /**
     * The keys whose values differ, named as in the file ({@code listeners.ws.port}): records are compared
     * component by component, anything else (lists, maps, values) as a whole.
     */
    static List<String> changedKeys(String prefix, Object a, Object b) {
        if (Objects.equals(a, b)) {
            return List.of();
        }
        if (a == null || b == null || !a.getClass().isRecord() || a.getClass() != b.getClass()) {
            return List.of(prefix);
        }
        List<String> out = new ArrayList<>();
        for (var c : a.getClass().getRecordComponents()) {
            try {
                Object before = c.getAccessor().invoke(a);
                Object after = c.getAccessor().invoke(b);
                if (before instanceof Map<?, ?> x && after instanceof Map<?, ?> y) {
                    out.addAll(changedEntries(prefix, x, y)); // an installed binding's keys, at the record's level
                    continue;
                }
                String key = prefix.isEmpty() ? c.getName() : prefix + "." + c.getName();
                out.addAll(changedKeys(key, before, after));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /** {@link #changedKeys} of each key of two maps holding an installed binding's keys. */
    private static List<String> changedEntries(String prefix, Map<?, ?> a, Map<?, ?> b) {
        java.util.Set<Object> keys = new java.util.LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        List<String> out = new ArrayList<>();
        for (Object k : keys) {
            out.addAll(changedKeys(prefix.isEmpty() ? k.toString() : prefix + "." + k, a.get(k), b.get(k)));
        }
        return out;
    }

    /** Per upstream naming key or trust files, a digest of their contents (an unreadable file digests as such). */
    private Map<String, String> tlsDigests(BridgeConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (UpstreamConfig u : config.upstreams()) {
            List<String> files = bindings.stream().filter(b -> b.name().equals(u.binding())).findFirst()
                    .map(b -> b.upstreamFiles(u)).orElse(List.of());
            if (!files.isEmpty()) {
                out.put(u.name(), digest(files));
            }
        }
        return out;
    }

    private static String digest(List<String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String f : files) {
                sha.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try {
                    sha.update(Files.readAllBytes(Path.of(f)));
                } catch (IOException e) {
                    sha.update((byte) 0); // Preflight has read it just now; a race is a change like any other
                }
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
