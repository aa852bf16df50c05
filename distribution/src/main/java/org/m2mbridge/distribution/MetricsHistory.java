package org.m2mbridge.distribution;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.Direction;

/**
 * The last minutes of the bridge's own numbers for the status page's charts, without a Prometheus server: every
 * {@link #INTERVAL} a sample of primitives received per second, the mean upstream round trip and the open device
 * connections, in a ring of {@link #SAMPLES} (ten minutes). Taken on the bridge's timer; reading a snapshot is cheap.
 */
final class MetricsHistory {
    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final int SAMPLES = 60;

    /**
     * One interval.
     *
     * @param at                 its end
     * @param messagesPerSecond  primitives received (requests and responses, every binding), per second
     * @param meanLatencyMillis  mean upstream round trip over the interval; null when nothing was forwarded
     * @param connections        device connections open at its end
     */
    record Sample(Instant at, double messagesPerSecond, Double meanLatencyMillis, int connections) {
    }

    /** The cumulative numbers a sample is the difference of. */
    private record Totals(long nanos, double received, double latencyCount, double latencySum) {
    }

    private final BridgeMetrics metrics;
    private final IntSupplier connections;
    private final ArrayDeque<Sample> ring = new ArrayDeque<>(SAMPLES); // guarded by this
    private Totals last; // guarded by this

    MetricsHistory(BridgeMetrics metrics, IntSupplier connections) {
        this.metrics = metrics;
        this.connections = connections;
        this.last = totals();
    }

    /** Closes the interval now (the timer calls it every {@link #INTERVAL}). */
    void sample() {
        Totals now = totals();
        Sample s;
        synchronized (this) {
            s = between(last, now);
            last = now;
            if (ring.size() == SAMPLES) {
                ring.removeFirst();
            }
            ring.addLast(s);
        }
    }

    /** The samples so far, oldest first, and the interval running now as a last, partial one. */
    List<Sample> samples() {
        Totals now = totals();
        synchronized (this) {
            List<Sample> out = new ArrayList<>(ring);
            if (now.nanos() - last.nanos() >= Duration.ofSeconds(1).toNanos()) {
                out.add(between(last, now));
            }
            return out;
        }
    }

    private Sample between(Totals from, Totals to) {
        double seconds = Math.max(1e-9, (to.nanos() - from.nanos()) / 1e9);
        double count = to.latencyCount() - from.latencyCount();
        return new Sample(Instant.now(), (to.received() - from.received()) / seconds,
                count > 0 ? 1000 * (to.latencySum() - from.latencySum()) / count : null, connections.getAsInt());
    }

    private Totals totals() {
        double received = 0;
        for (CounterSnapshot.CounterDataPointSnapshot p : metrics.primitives.collect().getDataPoints()) {
            if (Direction.IN.label().equals(p.getLabels().get("direction"))) {
                received += p.getValue();
            }
        }
        double count = 0;
        double sum = 0;
        for (HistogramSnapshot.HistogramDataPointSnapshot p : metrics.upstreamRequestDuration.collect().getDataPoints()) {
            count += p.getCount();
            sum += p.getSum();
        }
        return new Totals(System.nanoTime(), received, count, sum);
    }
}
