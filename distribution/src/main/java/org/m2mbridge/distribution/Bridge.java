package org.m2mbridge.distribution;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.bus.LocalEntityDirectory;
import org.m2mbridge.core.bus.AccessLog;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.store.BridgeStorage;
import org.m2mbridge.core.store.StoreUnavailableException;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running bridge: the shared timer, metrics, codecs, registry, routes, deadlines and bus, every binding found on
 * the class path, and the admin listener. {@link #start} returns once every listener is bound and has announced
 * its address ({@code listening ws=ws://127.0.0.1:40123/}); {@link #close} stops bindings (with the shutdown
 * grace), then the admin listener, then the timer.
 */
public final class Bridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);
    /** Beyond the grace, how long close() waits for a binding that ignores it before moving on. */
    private static final Duration STOP_SLACK = Duration.ofMillis(500);

    private final BridgeConfig config;
    private final ScheduledThreadPoolExecutor timer;
    private final PrometheusRegistry registry;
    private final BridgeMetrics metrics;
    private final Codecs codecs;
    private final BridgeStorage storage;
    private final PrimitiveBus bus;
    /** One for the process: every connection of every binding holds an account of it (docs/security.md). */
    private final InboundBudget inboundBudget;
    private final List<Binding> started = new ArrayList<>();
    private final Map<String, URI> listeners = new LinkedHashMap<>();
    private AdminServer admin;
    /** Set by {@link #enableReload} once the bridge runs from a configuration file. */
    private volatile ConfigReload reload;
    private boolean closed;

    private Bridge(BridgeConfig config, InstanceLayout layout) {
        this.config = config;
        this.codecs = new Codecs(new CodecLimits(config.limits().maxMessageBytes(), config.limits().maxDepth()));
        // Registrations and stored primitives survive restarts (store.durable, docs/reliability.md). Opened first:
        // a store locked by another instance fails the start before any thread or listener exists.
        try {
            this.storage = BridgeStorage.open(config.store(), codecs, layout);
        } catch (StoreUnavailableException e) {
            throw new StartupFailure(e.getMessage(), e);
        }
        this.timer = newTimer();
        this.registry = new PrometheusRegistry();
        this.metrics = new BridgeMetrics(registry);
        metrics.buildInfo.labelValues(BuildInfo.VERSION).set(1);
        JvmMetrics.builder().register(registry);
        this.bus = new PrimitiveBus(new LocalEntityDirectory(storage.registry()), ConfigReload.routes(config), ConfigReload.deadlines(config),
                timer, metrics, storage.deliveries(), config.store());
        this.inboundBudget = InboundBudget.start(config.limits(), metrics, timer);
    }

    /** Starts with the bindings registered on this class's class loader. */
    public static Bridge start(BridgeConfig config, PrintStream announce) {
        return start(config, BindingDiscovery.discover(Bridge.class.getClassLoader()), announce);
    }

    /**
     * Starts {@code bindings} on a validated {@code config}; on any failure everything already started is closed
     * again and a {@link StartupFailure} (or a ConfigException naming the key) is thrown.
     */
    public static Bridge start(BridgeConfig config, List<Binding> bindings, PrintStream announce) {
        return start(config, bindings, announce, InstanceLayout.current());
    }

    /** As {@link #start(BridgeConfig, List, PrintStream)}, with the durable store in {@code layout}'s data directory. */
    public static Bridge start(BridgeConfig config, List<Binding> bindings, PrintStream announce,
                               InstanceLayout layout) {
        BindingDiscovery.requireBindingsFor(config, bindings);
        Bridge bridge = new Bridge(config, layout);
        try {
            bridge.startAll(bindings);
        } catch (RuntimeException e) {
            bridge.close();
            throw e;
        }
        bridge.listeners.forEach((name, uri) -> {
            String line = "listening " + name + "=" + uri;
            LOG.info(line);
            announce.println(line);
        });
        announce.flush();
        return bridge;
    }

    private void startAll(List<Binding> bindings) {
        BridgeContext context = new BridgeContext(config, bus, codecs, metrics, timer, inboundBudget);
        LOG.info("bindings found: {}", bindings.stream().map(Binding::name).toList());
        // Every listener takes its caps from the same budget (bindings compute it from the same config and limit).
        FileDescriptorBudget descriptors = FileDescriptorBudget.forThisProcess(config);
        LOG.info(descriptors.summary());
        descriptors.warning().ifPresent(LOG::warn);
        LOG.info("inbound memory budget {} bytes (limits.inboundBudgetBytes), unfinished messages closed after {}",
                inboundBudget.limit(), config.limits().messageAssemblyTimeout());
        for (Binding b : bindings) {
            try {
                b.start(context);
            } catch (Exception e) {
                b.stop(Duration.ZERO); // may have bound some listeners before failing
                throw new StartupFailure("binding " + b.name() + " failed to start" + listenerOf(b) + ": "
                        + FailureWords.describe(e), e);
            }
            started.add(b);
            listeners.putAll(b.boundListeners());
            // Zero series per binding from the start: rate() and the dashboard work before the first event.
            metrics.bindingStarted(b.name());
        }
        for (int i = 0; i < config.upstreams().size(); i++) {
            UpstreamConfig u = config.upstreams().get(i);
            if (bus.upstream(u.name()).isEmpty()) {
                throw new StartupFailure("upstreams[" + i + "]: binding " + u.binding()
                        + " did not create upstream '" + u.name() + "'");
            }
            metrics.upstreamConfigured(u.name());
        }
        metrics.registerUpstreamUp(() -> {
            Map<String, Boolean> up = new LinkedHashMap<>();
            bus.upstreams().forEach(u -> up.put(u.name(), u.health().up()));
            return up;
        });
        List<String> served = bindings.stream().flatMap(b -> b.listenerKeys().stream()).toList();
        config.listeners().configured().keySet().stream().filter(k -> !k.equals("admin") && !served.contains(k))
                .forEach(k -> LOG.warn("no installed binding serves listeners.{}: nothing listens there", k));
        StatusReport report = new StatusReport(bus, metrics, started, storage.deliveries());
        metrics.registerConnectedEntities(report::connections);
        metrics.registerAccessLogDropped(AccessLog::dropped);
        long every = MetricsHistory.INTERVAL.toMillis();
        timer.scheduleAtFixedRate(report.history()::sample, every, every, TimeUnit.MILLISECONDS);
        Readiness readiness = new Readiness(started, bus, config.admin().readinessIncludesUpstreams());
        readiness.watch(inboundBudget);
        if (config.listeners().admin() != null) {
            admin = AdminServer.start(config.listeners().admin(), config.admin(), descriptors.admin(), registry,
                    metrics, report, readiness, new StoreApi(bus, storage.registry(), storage.deliveries()), this::reload);
            listeners.put("admin", admin.boundUri());
        }
    }

    /**
     * " (listeners.ws 127.0.0.1:8180)" for a binding that owns configured listeners ({@link Binding#listenerKeys}),
     * so a taken port is named.
     */
    private String listenerOf(Binding binding) {
        Map<String, Object> configured = config.listeners().configured();
        String named = binding.listenerKeys().stream().filter(k -> configured.get(k) instanceof ListenerConfig)
                .map(k -> {
                    ListenerConfig l = (ListenerConfig) configured.get(k);
                    return "listeners." + k + " " + l.host() + ":" + l.port();
                })
                .collect(Collectors.joining(", "));
        return named.isEmpty() ? "" : " (" + named + ")";
    }

    /**
     * Lets SIGHUP and {@code POST /-/reload} re-read {@code file} (the one this bridge was started from) and apply
     * it ({@link ConfigReload}); checked in {@code layout} as a start would.
     */
    void enableReload(java.nio.file.Path file, InstanceLayout layout) {
        reload = new ConfigReload(file, layout, config, bus, List.copyOf(started), metrics);
    }

    /** Reloads the configuration file, or says why it cannot ({@link #enableReload} not called: demo mode). */
    ConfigReload.Outcome reload() {
        ConfigReload r = reload;
        return r == null ? ConfigReload.Outcome.unavailable("the bridge was not started from a configuration file "
                + "(demo mode, or embedded)") : r.reload();
    }

    /** The metrics registry this bridge exports on {@code /metrics}. */
    PrometheusRegistry registry() {
        return registry;
    }

    /** Bound listeners by name, in start order ({@code ws}, {@code http}, ..., {@code admin}). */
    public Map<String, URI> listeners() {
        return Collections.unmodifiableMap(listeners);
    }

    /**
     * Stops every binding in parallel, each with {@code timeouts.shutdownGrace} for in-flight exchanges, then the
     * admin listener, the bus and its storage, then the timer. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ConfigReload r = reload;
        Duration grace = (r == null ? config : r.current()).timeouts().shutdownGrace();
        List<Thread> stops = new ArrayList<>();
        for (Binding b : started) {
            Thread t = new Thread(() -> {
                try {
                    b.stop(grace);
                } catch (RuntimeException e) {
                    LOG.warn("binding {} did not stop cleanly", b.name(), e);
                }
            }, "stop-" + b.name());
            t.setDaemon(true);
            t.start();
            stops.add(t);
        }
        long until = System.nanoTime() + grace.plus(STOP_SLACK).toNanos();
        for (Thread t : stops) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                LOG.warn("{} still running after the shutdown grace; going on", t.getName());
            }
        }
        if (admin != null) {
            admin.close();
        }
        inboundBudget.close();
        bus.close(); // stops the store sweep and drains pending store writes
        storage.close();
        timer.shutdownNow();
        AccessLog.flush(); // the lines of the last exchanges, before logging stops with the process
        LOG.info("bridge stopped");
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = Executors.defaultThreadFactory().newThread(r);
            th.setDaemon(true);
            th.setName("bridge-timer");
            return th;
        });
        // Deadline timers are cancelled far more often than they fire: drop them from the queue at once.
        t.setRemoveOnCancelPolicy(true);
        return t;
    }
}
