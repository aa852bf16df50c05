package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies (HdrHistogram {@link Recorder}: lock-free from any I/O thread), answers by rsc, and the process CPU
 * of a watched peer (the bridge) over the measured interval. Samples taken during warm-up are dropped.
 */
final class Measurement {
    /** rsc recorded for an echoed request (the raw echo server answers with the request itself). */
    static final int ECHO = 0;
    /** rsc recorded for a connection-level failure (send failed, socket closed with requests outstanding). */
    static final int TRANSPORT_ERROR = -1;

    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);
    private final Map<Integer, LongAdder> byRsc = new ConcurrentHashMap<>();
    private final LongAdder notifications = new LongAdder();
    private final LongAdder unrecognised = new LongAdder();
    private volatile String firstUnrecognised;
    private final AtomicLong measureStartNanos = new AtomicLong();
    private volatile boolean measuring;
    /** After the measured interval: a progress line then is the drain, not warm-up. */
    private volatile boolean measured;
    private long measureEndNanos;
    private ProcessCpu.Sample cpuStart;
    private ProcessCpu.Sample cpuEnd;
    private final ProcessCpu peer;

    Measurement(ProcessCpu peer) {
        this.peer = peer;
    }

    /** Called from I/O threads for every answered request. */
    void answered(int rsc, long latencyNanos) {
        recorder.recordValue(Math.max(1, latencyNanos / 1000));
        if (!measuring) {
            return;
        }
        byRsc.computeIfAbsent(rsc, k -> new LongAdder()).increment();
    }

    void notificationReceived() {
        notifications.increment();
    }

    /**
     * A message the tool could read neither as an answer nor as a request (or whose handling threw). Counted and
     * its start kept, so a lost answer in a run can be told apart from one the peer never sent.
     */
    void unrecognised(byte[] message, Throwable failure) {
        unrecognised.increment();
        if (firstUnrecognised == null) {
            String text = new String(message, 0, Math.min(message.length, 300), java.nio.charset.StandardCharsets.UTF_8);
            firstUnrecognised = (failure == null ? "" : failure + " on ") + text;
        }
    }

    long notifications() {
        return notifications.sum();
    }

    /** Ends warm-up: what was recorded so far is dropped. */
    void startMeasuring() {
        recorder.getIntervalHistogram();
        synchronized (total) {
            total.reset();
        }
        cpuStart = peer.sample();
        measureStartNanos.set(System.nanoTime());
        measuring = true;
    }

    void stopMeasuring() {
        measured = true;
        measuring = false;
        measureEndNanos = System.nanoTime();
        cpuEnd = peer.sample();
        synchronized (total) {
            total.add(recorder.getIntervalHistogram());
        }
    }

    /**
     * One progress line: the interval since the previous call (and adds it to the total). Latencies in ms; the phase
     * is warm-up, measure, or done (the drain after the measured interval); {@code closed} counts connections the
     * peer has closed (what {@code --idle} watches for). Returns the answers in that interval.
     */
    long progress(PrintStream out, long elapsedSeconds, long outstanding, long closed) {
        Histogram interval = recorder.getIntervalHistogram();
        synchronized (total) {
            if (measuring) {
                total.add(interval);
            }
        }
        out.printf("[%3ds] %-7s %8d msg/s  p50 %8.3f ms  p99 %8.3f ms  outstanding %d  notifications %d%s%n",
                elapsedSeconds, measuring ? "measure" : measured ? "done" : "warm-up", interval.getTotalCount(),
                interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0, outstanding,
                notifications.sum(), closed > 0 ? "  closed by peer " + closed : "");
        return interval.getTotalCount();
    }

    boolean measuring() {
        return measuring;
    }

    ObjectNode report(ObjectMapper json, ObjectNode settings) {
        double seconds = (measureEndNanos - measureStartNanos.get()) / 1e9;
        // Counted from the per-rsc tallies: the latency recorder runs during warm-up too (for the progress line),
        // so an answer that lands exactly as measuring starts may be in one and not the other. The latency
        // percentiles are unaffected by such a sample; the counts must agree with byRsc.
        long count = byRsc.values().stream().mapToLong(LongAdder::sum).sum();
        ObjectNode r = json.createObjectNode();
        r.set("settings", settings);
        r.put("seconds", round(seconds));
        r.put("messages", count);
        r.put("throughput", round(count / seconds));
        ObjectNode lat = r.putObject("latencyMicros");
        lat.put("p50", total.getValueAtPercentile(50));
        lat.put("p90", total.getValueAtPercentile(90));
        lat.put("p99", total.getValueAtPercentile(99));
        lat.put("p99_9", total.getValueAtPercentile(99.9));
        lat.put("max", total.getMaxValue());
        lat.put("mean", round(total.getMean()));
        ObjectNode rsc = r.putObject("byRsc");
        new TreeMap<>(byRsc).forEach((k, v) -> rsc.put(k == ECHO ? "echo" : k == TRANSPORT_ERROR ? "transport" : k.toString(),
                v.sum()));
        long errors = byRsc.entrySet().stream().filter(e -> e.getKey() == TRANSPORT_ERROR || e.getKey() >= 4000)
                .mapToLong(e -> e.getValue().sum()).sum();
        r.put("errors", errors);
        r.put("notifications", notifications.sum());
        r.put("unrecognised", unrecognised.sum());
        if (firstUnrecognised != null) {
            r.put("firstUnrecognised", firstUnrecognised);
        }
        if (cpuStart != null && cpuEnd != null && count > 0) {
            double cpuMicros = (cpuEnd.cpuNanos() - cpuStart.cpuNanos()) / 1e3;
            r.put("peerPid", peer.pid());
            r.put("peerCpuMicrosPerMessage", round(cpuMicros / count));
            r.put("peerCpuUtilisation", round(cpuMicros / 1e6 / seconds));
        }
        return r;
    }

    static void write(ObjectMapper json, ObjectNode report, Path file) throws IOException {
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
