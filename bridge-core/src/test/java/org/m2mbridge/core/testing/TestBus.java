package org.m2mbridge.core.testing;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.m2mbridge.core.bus.LocalEntityDirectory;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RouteTable;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.store.MapDeliveryStore;

/**
 * A bus wired for tests: in-memory registry, in-memory delivery store (store-and-forward on unless disabled), fresh
 * metrics registry, its own timer (close it).
 */
public final class TestBus implements AutoCloseable {
    public final PrimitiveBus bus;
    /** What the bus keeps its registrations in: a test puts an entity there to have it registered already. */
    public final EntityRegistry registry;
    public final BridgeMetrics metrics;
    public final ScheduledExecutorService timer;

    /** Store-and-forward enabled, in memory, default {@code store.*} settings. */
    public TestBus(Duration defaultTimeout, Upstream... upstreams) {
        this(defaultTimeout, StoreSettings.IN_MEMORY, upstreams);
    }

    /** With an in-memory delivery store configured by {@code store} ({@code enabled: false} for plain 5103). */
    public TestBus(Duration defaultTimeout, StoreSettings store, Upstream... upstreams) {
        this(defaultTimeout, store, new InMemoryEntityRegistry(), MapDeliveryStore.inMemory(store), upstreams);
    }

    /** With the given registry and delivery store (e.g. durable ones opened by the test; the test closes them). */
    public TestBus(Duration defaultTimeout, StoreSettings store, EntityRegistry registry, DeliveryStore deliveries,
                   Upstream... upstreams) {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = Executors.defaultThreadFactory().newThread(r);
            th.setDaemon(true);
            th.setName("test-timer");
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        timer = t;
        metrics = new BridgeMetrics(new PrometheusRegistry());
        this.registry = registry;
        String def = upstreams.length == 0 ? null : upstreams[0].name();
        bus = new PrimitiveBus(new LocalEntityDirectory(registry), new RouteTable(List.of(), def),
                new Deadlines(defaultTimeout, defaultTimeout.multipliedBy(4), Clock.systemUTC()), timer, metrics,
                deliveries, store);
        for (Upstream u : upstreams) {
            bus.addUpstream(u);
        }
    }

    @Override
    public void close() {
        bus.close();
        timer.shutdownNow();
    }
}
