package org.m2mbridge.mqtt;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.LocalEntityDirectory;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.RouteTable;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.store.MapDeliveryStore;
import org.m2mbridge.mqtt.config.MqttUpstreamSettings;

/**
 * The bus plus a started {@link MqttBinding} with one upstream {@code acme} ({@code /id-in}) as default route,
 * configured through the real YAML loader. Each instance uses its own MQTT client ID.
 */
final class TestBridge implements AutoCloseable {
    final PrimitiveBus bus;
    final InMemoryEntityRegistry registry = new InMemoryEntityRegistry();
    final BridgeMetrics metrics;
    final MqttBinding binding = new MqttBinding();
    final MqttUpstream upstream;
    final String clientId;
    private static final java.util.concurrent.atomic.AtomicLong UNIQUE = new java.util.concurrent.atomic.AtomicLong();
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    TestBridge(String broker, Duration requestTimeout) throws Exception {
        this(broker, requestTimeout, "", "");
    }

    /** {@code upstreamExtra}: more keys of the upstream; {@code mqttExtra}: more keys of its {@code mqtt:}. */
    TestBridge(String broker, Duration requestTimeout, String upstreamExtra, String mqttExtra) throws Exception {
        this(ConfigLoader.parse("""
                listeners:
                  ws: {port: 0}
                upstreams:
                  - name: acme
                    binding: mqtt
                    broker: %s
                    cseId: /id-in
                    mqtt:
                      clientId: "C::bridge-test-%s"
                      maxReconnectDelay: 1s
                %s%s
                routes:
                  default: acme
                """.formatted(broker, UNIQUE.incrementAndGet() + "-" + System.nanoTime(), mqttExtra.indent(6), upstreamExtra.indent(4))), requestTimeout);
    }

    /** A bridge from a whole configuration; its first upstream must be an MQTT one named by {@code routes.default}. */
    TestBridge(BridgeConfig config, Duration requestTimeout) throws Exception {
        timer.setRemoveOnCancelPolicy(true);
        metrics = new BridgeMetrics(new PrometheusRegistry());
        bus = new PrimitiveBus(new LocalEntityDirectory(registry), new RouteTable(List.of(), config.routes().defaultUpstream()),
                new Deadlines(requestTimeout, requestTimeout.multipliedBy(4), Clock.systemUTC()), timer, metrics,
                MapDeliveryStore.inMemory(StoreSettings.IN_MEMORY), StoreSettings.IN_MEMORY);
        binding.start(new BridgeContext(config, bus, new Codecs(CodecLimits.DEFAULT), metrics, timer));
        upstream = binding.upstreams().get(0);
        clientId = MqttUpstreamSettings.of(config.upstreams().get(0)).clientId();
    }

    double counter(io.prometheus.metrics.core.metrics.Counter c) {
        return c.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
    }

    @Override
    public void close() {
        binding.stop(Duration.ofMillis(300));
        timer.shutdownNow();
    }
}
