package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one {@code bench/run.sh} results directory into the Markdown tables of {@code docs/benchmarks.md}: the
 * (a)-(d) matrix with the ratios (c)/(a), (c)/(b), (d)/(a), latencies, CPU per message, fan-out and idle capacity,
 * and which of issue 9's targets hold in this run.
 */
public final class ResultsTable {
    private static final Pattern CELL = Pattern.compile("([abcd])-c(\\d+)-w(\\d+)\\.json");
    private final Path dir;
    private final PrintStream out;
    /** The (C, W) cells found in the results, C then W ascending. */
    private final java.util.List<int[]> matrix = new java.util.ArrayList<>();

    private ResultsTable(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        new ResultsTable(Path.of(args[0]), System.out).print();
    }

    private JsonNode read(String name) {
        Path p = dir.resolve(name);
        try {
            return Files.exists(p) ? LoadTool.JSON.readTree(p.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private JsonNode cell(char kind, int c, int w) {
        return read(kind + "-c" + c + "-w" + w + ".json");
    }

    private static String num(JsonNode r, String field) {
        return r == null ? "n/m" : String.format("%,.0f", r.path(field).asDouble());
    }

    private static String lat(JsonNode r) {
        if (r == null) {
            return "n/m";
        }
        JsonNode l = r.path("latencyMicros");
        return l.path("p50").asLong() + " / " + l.path("p99").asLong() + " / " + l.path("p99_9").asLong();
    }

    private static String ratio(JsonNode x, JsonNode y) {
        if (x == null || y == null || y.path("throughput").asDouble() == 0) {
            return "n/m";
        }
        return String.format("%.2f", x.path("throughput").asDouble() / y.path("throughput").asDouble());
    }

    private static String cpu(JsonNode r) {
        return r == null || !r.has("peerCpuMicrosPerMessage") ? "n/m"
                : String.format("%.1f", r.path("peerCpuMicrosPerMessage").asDouble());
    }

    private static String errors(JsonNode r) {
        return r == null ? "n/m" : r.path("errors").asText() + (r.path("unanswered").asLong() > 0
                ? " (+" + r.path("unanswered").asText() + " unanswered)" : "");
    }

    private void print() throws IOException {
        Set<Integer> cs = new TreeSet<>();
        Set<Integer> ws = new TreeSet<>();
        try (var files = Files.list(dir)) {
            files.forEach(f -> {
                Matcher m = CELL.matcher(f.getFileName().toString());
                if (m.matches()) {
                    cs.add(Integer.parseInt(m.group(2)));
                    ws.add(Integer.parseInt(m.group(3)));
                }
            });
        }
        cs.forEach(c -> ws.forEach(w -> matrix.add(new int[] {c, w})));

        out.println("### Throughput (messages/s) and ratios\n");
        out.println("| C | W | (a) echo | (b) HttpClient->stub | (c) bridge WS->HTTP | (d) bridge WS->MQTT | (c)/(a) | (c)/(b) | (d)/(a) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int[] k : matrix) {
            JsonNode a = cell('a', k[0], k[1]), b = cell('b', k[0], k[1]), c = cell('c', k[0], k[1]), d = cell('d', k[0], k[1]);
            out.printf("| %d | %d | %s | %s | %s | %s | %s | %s | %s |%n", k[0], k[1], num(a, "throughput"),
                    num(b, "throughput"), num(c, "throughput"), num(d, "throughput"), ratio(c, a), ratio(c, b), ratio(d, a));
        }
        out.println("\n### Latency p50 / p99 / p99.9 (µs) and CPU per message\n");
        out.println("| C | W | (a) | (b) | (c) | (d) | echo CPU µs/msg | bridge (c) CPU µs/msg | bridge (d) CPU µs/msg | errors (c) / (d) |");
        out.println("|---:|---:|---|---|---|---|---:|---:|---:|---|");
        for (int[] k : matrix) {
            JsonNode a = cell('a', k[0], k[1]), b = cell('b', k[0], k[1]), c = cell('c', k[0], k[1]), d = cell('d', k[0], k[1]);
            out.printf("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s |%n", k[0], k[1], lat(a), lat(b), lat(c),
                    lat(d), cpu(a), cpu(c), cpu(d), errors(c), errors(d));
        }
        printFanOut();
        printIdle();
        printTargets();
    }

    private void printFanOut() {
        out.println("\n### (f) Notification fan-out\n");
        out.println("| attempt | AEs | delivered (2000) | failed | time to all delivered (ms) |");
        out.println("|---:|---:|---:|---:|---:|");
        for (int i = 1; i <= 3; i++) {
            JsonNode f = read("fanout-" + i + ".json");
            if (f != null) {
                out.printf("| %d | %d | %d | %d | %d |%n", i, f.path("targets").asInt(), f.path("delivered").asInt(),
                        f.path("failed").asInt(), f.path("millis").asLong());
            }
        }
    }

    private void printIdle() {
        out.println("\n### (e) Idle registered connections (bridge process, after a full GC)\n");
        out.println("| connections | registered | heap before (MiB) | heap after (MiB) | heap per connection (KiB) | RSS per connection (KiB) | heap after they closed (MiB) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        JsonNode idle = read("idle.json");
        if (idle == null) {
            out.println("| n/m | | | | | |");
            return;
        }
        for (JsonNode r : idle) {
            int n = Math.max(1, r.path("registered").asInt());
            out.printf("| %d | %d | %.1f | %.1f | %.2f | %.2f | %s |%n", r.path("connections").asInt(), n,
                    r.path("heapBeforeKiB").asDouble() / 1024, r.path("heapAfterKiB").asDouble() / 1024,
                    (r.path("heapAfterKiB").asDouble() - r.path("heapBeforeKiB").asDouble()) / n,
                    (r.path("rssAfterKiB").asDouble() - r.path("rssBeforeKiB").asDouble()) / n,
                    r.has("heapAfterCloseKiB") ? String.format("%.1f", r.path("heapAfterCloseKiB").asDouble() / 1024)
                            : "n/m");
        }
    }

    private void printTargets() {
        out.println("\n### Targets (issue 9) in this run\n");
        target("(c) >= 0.4 x (a) msg/s at C=16,W=16", ratioAtLeast(cell('c', 16, 16), cell('a', 16, 16), 0.4));
        target("(c) >= 0.4 x (a) msg/s at C=256,W=1", ratioAtLeast(cell('c', 256, 1), cell('a', 256, 1), 0.4));
        // the issue asks for it at every C*W >= 16, not only at C=16,W=16
        for (int[] k : matrix) {
            JsonNode c = cell('c', k[0], k[1]);
            if (k[0] * k[1] >= 16 && c != null) {
                target("bridge CPU <= 35 µs per forwarded primitive at C=" + k[0] + ",W=" + k[1] + " (" + cpu(c) + ")",
                        c.has("peerCpuMicrosPerMessage") ? c.path("peerCpuMicrosPerMessage").asDouble() <= 35 : null);
            }
        }
        JsonNode b1 = cell('b', 1, 1), c1 = cell('c', 1, 1);
        if (b1 != null && c1 != null) {
            long bp50 = b1.path("latencyMicros").path("p50").asLong();
            long cp50 = c1.path("latencyMicros").path("p50").asLong();
            long cp99 = c1.path("latencyMicros").path("p99").asLong();
            target("C=1,W=1: bridge p50 " + cp50 + " µs <= (b) p50 " + bp50 + " µs + 60", cp50 <= bp50 + 60);
            target("C=1,W=1: bridge p99 " + cp99 + " µs <= 500 µs", cp99 <= 500);
        }
        JsonNode idle = read("idle.json");
        if (idle != null) {
            for (JsonNode r : idle) {
                int n = Math.max(1, r.path("registered").asInt());
                double perConn = (r.path("heapAfterKiB").asDouble() - r.path("heapBeforeKiB").asDouble()) / n;
                target(String.format("idle heap <= 6 KiB per connection at %d (%.2f KiB)", r.path("connections").asInt(),
                        perConn), perConn <= 6 && n == r.path("connections").asInt());
            }
        }
    }

    private static Boolean ratioAtLeast(JsonNode x, JsonNode y, double min) {
        return x == null || y == null ? null : x.path("throughput").asDouble() >= min * y.path("throughput").asDouble();
    }

    private void target(String what, Boolean holds) {
        out.printf("- %s: **%s**%n", what, holds == null ? "not measured" : holds ? "holds" : "does not hold");
    }
}
