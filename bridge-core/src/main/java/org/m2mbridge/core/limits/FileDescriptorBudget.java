package org.m2mbridge.core.limits;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * Splits the process's file-descriptor limit between the listeners, so that a flood on one listener can never
 * exhaust the descriptors another one needs (docs/security.md, "File descriptors"). Each accepted connection is a
 * descriptor; when none is left, {@code accept} fails and XNIO stops accepting on <em>every</em> listener of the
 * process for up to 30 s (its accept back-off), devices and health probes included. So no listener may hold more
 * than its share:
 * <ul>
 *   <li>{@value #BASE_RESERVE} descriptors stay for the JVM itself (jars, selectors, the store, logs), plus the
 *       outbound pools (each HTTP upstream's {@code http.maxConnections}, MQTT and WebSocket client sockets);</li>
 *   <li>of the rest, the HTTP listeners ({@code http}, {@code deviceHttp}) together get a quarter and the admin
 *       listener a sixteenth, each capped further by its own configured {@code maxConnections};</li>
 *   <li>the WebSocket listeners (the devices) get everything else: above it they stop accepting (the kernel's
 *       backlog holds the next connections) instead of running the process out of descriptors.</li>
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
    /** The HTTP listeners together: at most this fraction of the usable descriptors. */
    private static final int HTTP_SHARE_DIVISOR = 4;
    /** The admin listener: at most this fraction. */
    private static final int ADMIN_SHARE_DIVISOR = 16;

    private final long limit;
    private final int reserved;
    private final ListenerLimits http;
    private final ListenerLimits admin;
    private final int wsConnections;
    private final List<String> lowered;

    private FileDescriptorBudget(long limit, int reserved, ListenerLimits http, ListenerLimits admin,
                                 int wsConnections, List<String> lowered) {
        this.limit = limit;
        this.reserved = reserved;
        this.http = http;
        this.admin = admin;
        this.wsConnections = wsConnections;
        this.lowered = List.copyOf(lowered);
    }

    /** The budget of this JVM: its descriptor limit as the operating system reports it. */
    public static FileDescriptorBudget forThisProcess(BridgeConfig config) {
        return of(config, processLimit());
    }

    /** The budget under a descriptor limit of {@code limit}; {@code limit < 0}: unknown, nothing is lowered. */
    public static FileDescriptorBudget of(BridgeConfig config, long limit) {
        ListenerLimits http = config.http().listenerLimits();
        ListenerLimits admin = config.admin().listenerLimits();
        int wsListeners = (config.listeners().ws() != null ? 1 : 0) + (config.listeners().wss() != null ? 1 : 0);
        int reserved = BASE_RESERVE + outbound(config);
        if (limit < 0) {
            return new FileDescriptorBudget(limit, reserved, http, admin, Integer.MAX_VALUE, List.of());
        }
        long usable = Math.max(0, limit - reserved);
        int httpListeners = (config.listeners().http() != null ? 1 : 0)
                + (config.listeners().deviceHttp() != null ? 1 : 0);
        ListenerLimits httpShare = http.cappedAt(clamp(usable / HTTP_SHARE_DIVISOR / Math.max(1, httpListeners)
                - REFUSAL_ROOM));
        ListenerLimits adminShare = admin.cappedAt(clamp(usable / ADMIN_SHARE_DIVISOR - REFUSAL_ROOM));
        long httpUse = (long) httpListeners * (httpShare.maxConnections() + REFUSAL_ROOM);
        long adminUse = config.listeners().admin() != null ? adminShare.maxConnections() + REFUSAL_ROOM : 0;
        int ws = clamp((usable - httpUse - adminUse) / Math.max(1, wsListeners));
        List<String> lowered = new ArrayList<>();
        if (httpListeners > 0 && httpShare.maxConnections() < http.maxConnections()) {
            lowered.add("each HTTP listener at " + httpShare.maxConnections() + " connections (http.maxConnections "
                    + http.maxConnections() + ")");
        }
        if (config.listeners().admin() != null && adminShare.maxConnections() < admin.maxConnections()) {
            lowered.add("the admin listener at " + adminShare.maxConnections() + " (admin.maxConnections "
                    + admin.maxConnections() + ")");
        }
        if (wsListeners > 0 && (long) ws * wsListeners < config.limits().maxConnections()) {
            lowered.add("each WebSocket listener stops accepting above " + ws + " connections (limits.maxConnections "
                    + config.limits().maxConnections() + ")");
        }
        return new FileDescriptorBudget(limit, reserved, httpShare, adminShare, ws, lowered);
    }

    /** Pooled upstream connections and client sockets: descriptors the listeners must leave alone. */
    private static int outbound(BridgeConfig config) {
        long n = 0;
        for (UpstreamConfig u : config.upstreams()) {
            if (u.binding().equals("http")) { // another binding's: its outboundConnections below
                n += u.http().maxConnections();
            }
        }
        if (config.listeners().deviceHttp() != null) { // the pool that reaches HTTP devices' own poa
            n += HttpUpstreamSettings.DEFAULTS.maxConnections();
        }
        for (var binding : config.bindings().byName().values()) {
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

    /** The limits of each HTTP binding listener ({@code listeners.http}, {@code listeners.deviceHttp}) in its share. */
    public ListenerLimits http() {
        return http;
    }

    /** {@code listeners.admin}'s limits within its share. */
    public ListenerLimits admin() {
        return admin;
    }

    /**
     * Connections each WebSocket listener may hold (upgraded or not) before it stops accepting; {@code MAX_VALUE}:
     * no cap.
     */
    public int wsConnections() {
        return wsConnections;
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
        return "file descriptors: limit " + (limit < 0 ? "unknown" : limit) + ", open " + processOpen()
                + "; connections per listener: http/deviceHttp " + http.maxConnections() + " (per address "
                + http.maxConnectionsPerAddress() + "), admin " + admin.maxConnections() + ", ws "
                + (wsConnections == Integer.MAX_VALUE ? "unlimited" : wsConnections) + " (sessions: limits.maxConnections)";
    }
}
