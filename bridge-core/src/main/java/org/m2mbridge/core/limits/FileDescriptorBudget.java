package org.m2mbridge.core.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.config.ListenerShare;

/**
 * Splits the process's file-descriptor limit between the listeners, so that a flood on one listener can never
 * exhaust the descriptors another one needs (docs/security.md, "File descriptors"). Each accepted connection is a
 * descriptor; when none is left, {@code accept} fails and XNIO stops accepting on <em>every</em> listener of the
 * process for up to 30 s (its accept back-off), devices and health probes included. So no listener may hold more
 * than its share:
 * <ul>
 *   <li>{@value #BASE_RESERVE} descriptors stay for the JVM itself (jars, selectors, the store, logs), plus the
 *       outbound connections each binding declares ({@link BindingConfiguration#outboundConnections}: pools,
 *       client sockets);</li>
 *   <li>of the rest, each bounded share a binding declares ({@link BindingConfiguration#listenerShares}: the HTTP
 *       listeners together get a quarter) and the admin listener a sixteenth, each listener capped further by its own
 *       configured {@code maxConnections};</li>
 *   <li>the listeners taking the rest (the devices' WebSocket listeners) get everything else: above it they stop
 *       accepting (the kernel's backlog holds the next connections) instead of running the process out of
 *       descriptors.</li>
 * </ul>
 * A pure function of the configuration and the limit: every binding computes the same budget.
 */
public final class FileDescriptorBudget {
    /** Descriptors kept for everything that is not a listener or outbound connection. */
    static final int BASE_RESERVE = 256;
    /**
     * Descriptors an HTTP listener may hold beyond its {@code maxConnections}: connections accepted and about to be
     * refused (503, closed). XNIO accepts on its own thread ahead of the I/O thread that refuses, so without this
     * bound a burst of connections could take any number of descriptors before the first refusal.
     */
    public static final int REFUSAL_ROOM = 32;
    /** The admin listener: at most this fraction. */
    private static final int ADMIN_SHARE_DIVISOR = 16;

    private final long limit;
    private final int reserved;
    private final Map<String, ListenerLimits> shares;
    private final ListenerLimits admin;
    private final List<String> rest;
    private final int restConnections;
    private final List<String> lowered;

    private FileDescriptorBudget(long limit, int reserved, Map<String, ListenerLimits> shares, ListenerLimits admin,
                                 List<String> rest, int restConnections, List<String> lowered) {
        this.limit = limit;
        this.reserved = reserved;
        this.shares = Collections.unmodifiableMap(new LinkedHashMap<>(shares));
        this.admin = admin;
        this.rest = List.copyOf(rest);
        this.restConnections = restConnections;
        this.lowered = List.copyOf(lowered);
    }

    /** The budget of this JVM: its descriptor limit as the operating system reports it. */
    public static FileDescriptorBudget forThisProcess(BridgeConfig config) {
        return of(config, processLimit());
    }

    /** The budget under a descriptor limit of {@code limit}; {@code limit < 0}: unknown, nothing is lowered. */
    public static FileDescriptorBudget of(BridgeConfig config, long limit) {
        List<ListenerShare> declared = new ArrayList<>();
        config.bindings().byName().values().forEach(b -> declared.addAll(b.listenerShares(config)));
        List<String> rest = declared.stream().filter(ListenerShare::isRest).map(ListenerShare::name).toList();
        int restListeners = declared.stream().filter(ListenerShare::isRest).mapToInt(ListenerShare::listeners).sum();
        ListenerLimits admin = config.admin().listenerLimits();
        int reserved = BASE_RESERVE + outbound(config);
        Map<String, ListenerLimits> shares = new LinkedHashMap<>();
        if (limit < 0) {
            declared.stream().filter(s -> !s.isRest()).forEach(s -> shares.put(s.name(), s.limits()));
            return new FileDescriptorBudget(limit, reserved, shares, admin, rest, Integer.MAX_VALUE, List.of());
        }
        long usable = Math.max(0, limit - reserved);
        long used = 0;
        List<String> lowered = new ArrayList<>();
        for (ListenerShare s : declared) {
            if (!s.isRest()) {
                ListenerLimits capped = s.limits().cappedAt(clamp(usable / s.divisor() / Math.max(1, s.listeners())
                        - REFUSAL_ROOM));
                shares.put(s.name(), capped);
                used += (long) s.listeners() * (capped.maxConnections() + REFUSAL_ROOM);
                if (s.listeners() > 0 && capped.maxConnections() < s.limits().maxConnections()) {
                    lowered.add(String.format(s.lowered(), capped.maxConnections(), s.limits().maxConnections()));
                }
            }
        }
        ListenerLimits adminShare = admin.cappedAt(clamp(usable / ADMIN_SHARE_DIVISOR - REFUSAL_ROOM));
        long adminUse = config.listeners().admin() != null ? adminShare.maxConnections() + REFUSAL_ROOM : 0;
        int each = clamp((usable - used - adminUse) / Math.max(1, restListeners));
        if (config.listeners().admin() != null && adminShare.maxConnections() < admin.maxConnections()) {
            lowered.add("the admin listener at " + adminShare.maxConnections() + " (admin.maxConnections "
                    + admin.maxConnections() + ")");
        }
        if (restListeners > 0 && (long) each * restListeners < config.limits().maxConnections()) {
            declared.stream().filter(s -> s.isRest() && s.listeners() > 0).forEach(s -> lowered.add(
                    String.format(s.lowered(), each, config.limits().maxConnections())));
        }
        return new FileDescriptorBudget(limit, reserved, shares, adminShare, rest, each, lowered);
    }

    /** The outbound connections every binding declares: descriptors the listeners must leave alone. */
    private static int outbound(BridgeConfig config) {
        long n = 0;
        for (BindingConfiguration binding : config.bindings().byName().values()) {
            n += binding.outboundConnections(config);
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    private static int clamp(long n) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, n));
    }

    /** This process's descriptor limit ({@code ulimit -n}, {@code LimitNOFILE}); -1 where the JVM cannot tell. */
    public static long processLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Descriptors this process holds now; -1 where the JVM cannot tell. */
    public static long processOpen() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.UnixOperatingSystemMXBean unix
                ? unix.getOpenFileDescriptorCount() : -1;
    }

    /**
     * The limits of each listener of the bounded share {@code name} a binding declared
     * ({@link ListenerShare#bounded}), within that share.
     */
    public ListenerLimits share(String name) {
        ListenerLimits limits = shares.get(name);
        if (limits == null) {
            throw new IllegalArgumentException("no installed binding declares the listener share " + name);
        }
        return limits;
    }

    /** {@code listeners.admin}'s limits within its share. */
    public ListenerLimits admin() {
        return admin;
    }

    /**
     * Connections each listener taking the rest ({@link ListenerShare#rest}: the devices' WebSocket listeners) may
     * hold (upgraded or not) before it stops accepting; {@code MAX_VALUE}: no cap.
     */
    public int restConnections() {
        return restConnections;
    }

    /**
     * A warning for the log when the limit is too low for the configured caps, naming what was lowered and how to
     * raise the limit; empty when nothing was.
     */
    public java.util.Optional<String> warning() {
        if (lowered.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of("file descriptor limit " + limit + " is too low for the configured connection"
                + " limits (" + reserved + " are kept for the JVM and outbound connections): "
                + String.join("; ", lowered) + ". Raise it (LimitNOFILE in config/m2m-bridge.service, ulimit -n)"
                + " to restore the configured limits.");
    }

    /** One line for the start-up log. */
    public String summary() {
        List<String> each = new ArrayList<>();
        shares.forEach((name, limits) -> each.add(name + " " + limits.maxConnections() + " (per address "
                + limits.maxConnectionsPerAddress() + ")"));
        each.add("admin " + admin.maxConnections());
        String restCap = restConnections == Integer.MAX_VALUE ? "unlimited" : String.valueOf(restConnections);
        rest.forEach(name -> each.add(name + " " + restCap + " (sessions: limits.maxConnections)"));
        return "file descriptors: limit " + (limit < 0 ? "unknown" : limit) + ", open " + processOpen()
                + "; connections per listener: " + String.join(", ", each);
    }
}
