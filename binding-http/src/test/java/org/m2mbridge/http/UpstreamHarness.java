package org.m2mbridge.http;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** A started {@link HttpUpstream} against a test server URL, with its own metrics and timer. Close it. */
final class UpstreamHarness implements AutoCloseable {
    final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-timer");
        t.setDaemon(true);
        return t;
    });
    final HttpUpstream upstream;

    UpstreamHarness(String url, String serialization, HttpUpstreamSettings settings) {
        UpstreamConfig config = new UpstreamConfig("in-cse", "http", url, "/id-in", "//test.example",
                serialization, null, null, Map.of("http", settings));
        upstream = new HttpUpstream(config, codecs, metrics, timer, () -> "http://127.0.0.1:8280/notify",
                Clock.systemUTC());
        upstream.start();
    }

    UpstreamHarness(String url) {
        this(url, "json", HttpUpstreamSettings.DEFAULTS);
    }

    /** Sends with a deadline {@code timeout} from now and waits (bounded) for the answer. */
    ResponsePrimitive send(RequestPrimitive request, Duration timeout) throws Exception {
        return upstream.deliver(request, Instant.now().plus(timeout))
                .get(timeout.toMillis() + 5000, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    ResponsePrimitive send(RequestPrimitive request) throws Exception {
        return send(request, Duration.ofSeconds(5));
    }

    double errors(String kind) {
        var data = metrics.upstreamErrors.labelValues("in-cse", kind);
        return data.get();
    }

    @Override
    public void close() {
        upstream.close(Duration.ofMillis(200));
        timer.shutdownNow();
    }
}
