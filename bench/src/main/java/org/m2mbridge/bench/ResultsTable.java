package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.ToDoubleFunction;
import org.m2mbridge.bench.RoundResults.Cell;

/**
 * Turns one {@code bench/run.sh} results directory into the Markdown of {@code docs/benchmarks.md}: the machine
 * record, the (a)-(d) matrix and the Connection-close cells as median [min-max] over the rounds, every ratio taken
 * within a round (throughput ratios, CPU per message as a multiple of echo's), fan-out, idle capacity and which
 * targets hold. {@code ResultsTable --compare DIR1 DIR2} puts the ratios of two runs side by side and says whether
 * every one agrees within 15 % (the reproducibility check of issue 19).
 */
public final class ResultsTable {
    /** Two runs reproduce when every ratio's median differs by at most this much. */
    static final double AGREEMENT = 0.15;
    private static final BinaryOperator<Double> RATIO = (x, y) -> x / y;
    private static final BinaryOperator<Double> DIFFERENCE = (x, y) -> x - y;

    private final RoundResults r;
    private final PrintStream out;

    private ResultsTable(RoundResults r, PrintStream out) {
        this.r = r;
        this.out = out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--compare")) {
            System.exit(compare(RoundResults.read(Path.of(args[1])), RoundResults.read(Path.of(args[2])), System.out)
                    ? 0 : 1);
        }
        if (args.length == 2 && args[0].equals("--acme")) {
            new ResultsTable(RoundResults.read(Path.of(args[1])), System.out).printRealCse();
            return;
        }
        if (args.length != 1) {
            System.err.println("usage: ResultsTable DIR | ResultsTable --compare DIR1 DIR2 | ResultsTable --acme DIR");
            System.exit(2);
        }
        new ResultsTable(RoundResults.read(Path.of(args[0])), System.out).print();
    }

    /** A ratio of the run, per cell: how it is named in the tables and how it is taken within a round. */
    private record Ratio(String name, String x, String y, ToDoubleFunction<JsonNode> field) {
        Spread of(RoundResults r, Cell c) {
            return r.paired(x, y, c, field, RATIO);
        }
    }

    private static final List<Ratio> RATIOS = List.of(
            new Ratio("(c)/(a) msg/s", "c", "a", RoundResults::throughput),
            new Ratio("(c)/(b) msg/s", "c", "b", RoundResults::throughput),
            new Ratio("(d)/(a) msg/s", "d", "a", RoundResults::throughput),
            new Ratio("(d)/(c) msg/s", "d", "c", RoundResults::throughput),
            new Ratio("(c) CPU × echo", "c", "a", RoundResults::cpu),
            new Ratio("(d) CPU × echo", "d", "a", RoundResults::cpu),
            new Ratio("(d)/(c) CPU", "d", "c", RoundResults::cpu),
            new Ratio("(c')/(c) CPU", "cx", "c", RoundResults::cpu),
            new Ratio("(c')/(c) msg/s", "cx", "c", RoundResults::throughput),
            new Ratio("(c')/(b') msg/s", "cx", "bx", RoundResults::throughput));

    private void print() {
        printMachine();
        out.printf("%n#### Throughput (msg/s), median [min–max] over %d rounds%n%n", r.roundCount());
        out.println("| C | W | (a) echo | (b) direct HTTP | (c) bridge WS→HTTP | (d) bridge WS→MQTT |");
        out.println("|---:|---:|---:|---:|---:|---:|");
        for (Cell c : r.cells()) {
            out.printf("| %d | %d | %s | %s | %s | %s |%n", c.connections(), c.window(), f("a", c, RoundResults::throughput),
                    f("b", c, RoundResults::throughput), f("c", c, RoundResults::throughput),
                    f("d", c, RoundResults::throughput));
        }
        out.printf("%n#### Ratios, each taken within a round: median [min–max]%n%n");
        out.println("| C | W | (c)/(a) | (c)/(b) | (d)/(a) | (d)/(c) | (c) CPU × echo | (d) CPU × echo | (d)/(c) CPU |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Cell c : r.cells()) {
            StringBuilder row = new StringBuilder("| " + c.connections() + " | " + c.window() + " |");
            for (Ratio q : RATIOS.subList(0, 7)) {
                row.append(' ').append(q.of(r, c).format("%.2f")).append(" |");
            }
            out.println(row);
        }
        out.printf("%n#### Latency p50 / p99 (µs, medians) and CPU per message (µs, median [min–max])%n%n");
        out.println("| C | W | (a) | (b) | (c) | (d) | echo CPU | bridge (c) CPU | bridge (d) CPU | errors (c) / (d) | warm-ups settled |");
        out.println("|---:|---:|---|---|---|---|---:|---:|---:|---|---:|");
        for (Cell c : r.cells()) {
            out.printf("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s |%n", c.connections(), c.window(),
                    lat("a", c), lat("b", c), lat("c", c), lat("d", c), f("a", c, RoundResults::cpu, "%.1f"),
                    f("c", c, RoundResults::cpu, "%.1f"), f("d", c, RoundResults::cpu, "%.1f"),
                    sum("c", c, RoundResults::errors), sum("d", c, RoundResults::errors), settled(c));
        }
        printConnectionClose();
        printFanOut();
        printIdle();
        printTargets();
    }

    /**
     * {@code bench/acme.sh}: direct HTTP (b) against the bridge (c) in front of a real CSE, per C: throughput ratio,
     * added p50 and p99 (each within a round), the bridge's CPU per request.
     */
    private void printRealCse() {
        printMachine();
        out.printf("%n#### Bridge in front of the CSE vs direct HTTP, W=1, median [min–max] over %d rounds%n%n",
                r.roundCount());
        out.println("| C | direct msg/s | bridge msg/s | bridge/direct | direct p50 / p99 µs | bridge p50 / p99 µs | added p50 µs | added p99 µs | bridge CPU µs/request | CSE CPU µs/request (direct) | errors direct / bridge |");
        out.println("|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---|");
        for (Cell c : r.cells()) {
            out.printf("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |%n", c.connections(),
                    f("b", c, RoundResults::throughput), f("c", c, RoundResults::throughput),
                    r.paired("c", "b", c, RoundResults::throughput, RATIO).format("%.2f"), lat("b", c), lat("c", c),
                    r.paired("c", "b", c, RoundResults::p50, DIFFERENCE).format("%.0f"),
                    r.paired("c", "b", c, RoundResults::p99, DIFFERENCE).format("%.0f"),
                    f("c", c, RoundResults::cpu, "%.0f"), f("b", c, RoundResults::cpu, "%.0f"),
                    sum("b", c, RoundResults::errors), sum("c", c, RoundResults::errors));
        }
    }

    private void printMachine() {
        JsonNode start = r.json("machine-start.json");
        JsonNode end = r.json("machine-end.json");
        out.println("#### Machine and run");
        out.println();
        if (start == null) {
            out.println("(no machine record)");
            return;
        }
        out.printf("- %d cores, %s, %s, Java %s, commit %s, started %s, %d rounds%n", start.path("cores").asInt(),
                start.path("model").asText(), start.path("kernel").asText(), start.path("java").asText(),
                start.path("commit").asText(), start.path("time").asText(), r.roundCount());
        out.printf("- load average (1, 5, 15 min) before: %s; after: %s%n", start.path("loadavg").asText(),
                end == null ? "n/m" : end.path("loadavg").asText());
        if (end != null) {
            long[] a = ticks(start.path("stat"));
            long[] b = ticks(end.path("stat"));
            double total = 0;
            for (int i = 0; i < a.length; i++) {
                total += b[i] - a[i];
            }
            double idle = (b[3] - a[3]) + (b[4] - a[4]);
            out.printf("- over the run (/proc/stat, all processes): CPU busy %.0f %%, steal %.1f %%, %s s%n",
                    100 * (1 - idle / total), 100 * (b[7] - a[7]) / total,
                    end.path("epoch").asLong() - start.path("epoch").asLong());
        }
        JsonNode rounds = r.json("rounds.json");
        if (rounds != null) {
            List<String> loads = new ArrayList<>();
            rounds.forEach(x -> loads.add(x.path("loadavg").asText().split(" ")[0]));
            out.printf("- 1-min load average at the start of each round: %s%n", String.join(", ", loads));
        }
    }

    /** /proc/stat's cpu line: user nice system idle iowait irq softirq steal. */
    private static long[] ticks(JsonNode stat) {
        long[] t = new long[8];
        for (int i = 0; i < t.length && i < stat.size(); i++) {
            t[i] = stat.get(i).asLong();
        }
        return t;
    }

    private void printConnectionClose() {
        List<Cell> cells = r.cells().stream().filter(c -> r.has("cx", c)).toList();
        if (cells.isEmpty()) {
            return;
        }
        out.printf("%n#### Connection: close upstream (one TCP connection per request, as ACME's server), beside keep-alive%n%n");
        out.println("| C | W | (c) keep-alive msg/s | (c') close msg/s | (b') direct close msg/s | (c) CPU µs | (c') CPU µs | (c')/(c) CPU | (c') CPU × echo | p50 (b) / (c) | p50 (b') / (c') | added p50 keep-alive (c)−(b) | added p50 close (c')−(b') | errors (c') |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|");
        for (Cell c : cells) {
            out.printf("| %d | %d | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s | %s | %s |%n",
                    c.connections(), c.window(), f("c", c, RoundResults::throughput), f("cx", c, RoundResults::throughput),
                    f("bx", c, RoundResults::throughput), f("c", c, RoundResults::cpu, "%.1f"),
                    f("cx", c, RoundResults::cpu, "%.1f"),
                    r.paired("cx", "c", c, RoundResults::cpu, RATIO).format("%.2f"),
                    r.paired("cx", "a", c, RoundResults::cpu, RATIO).format("%.2f"),
                    f("b", c, RoundResults::p50, "%.0f"), f("c", c, RoundResults::p50, "%.0f"),
                    f("bx", c, RoundResults::p50, "%.0f"), f("cx", c, RoundResults::p50, "%.0f"),
                    r.paired("c", "b", c, RoundResults::p50, DIFFERENCE).format("%.0f"),
                    r.paired("cx", "bx", c, RoundResults::p50, DIFFERENCE).format("%.0f"),
                    sum("cx", c, RoundResults::errors));
        }
    }

    private String f(String kind, Cell c, ToDoubleFunction<JsonNode> field) {
        return f(kind, c, field, "%,.0f");
    }

    private String f(String kind, Cell c, ToDoubleFunction<JsonNode> field, String format) {
        return r.figure(kind, c, field).format(format);
    }

    private String lat(String kind, Cell c) {
        Spread p50 = r.figure(kind, c, RoundResults::p50);
        return p50.isEmpty() ? "n/m" : String.format("%.0f / %.0f", p50.median(),
                r.figure(kind, c, RoundResults::p99).median());
    }

    private String sum(String kind, Cell c, ToDoubleFunction<JsonNode> field) {
        Spread s = r.figure(kind, c, field);
        return s.isEmpty() ? "n/m" : String.format("%.0f", s.values().stream().mapToDouble(Double::doubleValue).sum());
    }

    /** How many of the cell's load runs settled in their warm-up, of how many. */
    private String settled(Cell c) {
        int yes = 0;
        int all = 0;
        for (String k : RoundResults.KINDS) {
            for (double v : r.figure(k, c, RoundResults::warmedUp).values()) {
                all++;
                yes += v > 0 ? 1 : 0;
            }
        }
        return yes + "/" + all;
    }

    private void printFanOut() {
        if (r.json("fanout-1.json") == null) {
            return;
        }
        out.println("\n#### (f) Notification fan-out\n");
        out.println("| attempt | AEs | delivered | failed | time to all delivered (ms) |");
        out.println("|---:|---:|---:|---:|---:|");
        for (int i = 1; i <= 3; i++) {
            JsonNode f = r.json("fanout-" + i + ".json");
            if (f != null) {
                out.printf("| %d | %d | %d | %d | %d |%n", i, f.path("targets").asInt(), f.path("delivered").asInt(),
                        f.path("failed").asInt(), f.path("millis").asLong());
            }
        }
    }

    private void printIdle() {
        JsonNode idle = r.json("idle.json");
        if (idle == null) {
            return;
        }
        out.println("\n#### (e) Idle registered connections (bridge process, after a full GC)\n");
        out.println("| connections | registered | heap before (MiB) | heap after (MiB) | heap per connection (KiB) | RSS per connection (KiB) | heap after they closed (MiB) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (JsonNode x : idle) {
            int n = Math.max(1, x.path("registered").asInt());
            out.printf("| %d | %d | %.1f | %.1f | %.2f | %.2f | %s |%n", x.path("connections").asInt(), n,
                    x.path("heapBeforeKiB").asDouble() / 1024, x.path("heapAfterKiB").asDouble() / 1024,
                    (x.path("heapAfterKiB").asDouble() - x.path("heapBeforeKiB").asDouble()) / n,
                    (x.path("rssAfterKiB").asDouble() - x.path("rssBeforeKiB").asDouble()) / n,
                    x.has("heapAfterCloseKiB") ? String.format("%.1f", x.path("heapAfterCloseKiB").asDouble() / 1024)
                            : "n/m");
        }
    }

    private void printTargets() {
        out.println("\n#### Targets in this run (medians over the rounds)\n");
        Cell c16 = new Cell(16, 16);
        Cell c1 = new Cell(1, 1);
        target("(c) ≥ 0.4 × (a) msg/s at " + c16, RATIOS.get(0).of(r, c16), v -> v >= 0.4);
        target("(c) ≥ 0.4 × (a) msg/s at C=256,W=1", RATIOS.get(0).of(r, new Cell(256, 1)), v -> v >= 0.4);
        for (Cell c : r.cells()) {
            if (c.connections() * c.window() >= 16) {
                target("bridge (c) CPU ≤ 35 µs per primitive at " + c, r.figure("c", c, RoundResults::cpu), v -> v <= 35);
            }
        }
        target("C=1,W=1: bridge p50 − (b) p50 ≤ 60 µs", r.paired("c", "b", c1, RoundResults::p50, DIFFERENCE),
                v -> v <= 60);
        target("C=1,W=1: bridge p99 ≤ 500 µs", r.figure("c", c1, RoundResults::p99), v -> v <= 500);
        for (Cell c : r.cells()) {
            if (r.has("cx", c)) {
                target("Connection: close: (c') CPU ≤ 2 × (c) CPU at " + c,
                        r.paired("cx", "c", c, RoundResults::cpu, RATIO), v -> v <= 2);
            }
        }
        target("Connection: close, C=1,W=1: (c') p50 − (b') p50 ≤ 60 µs",
                r.paired("cx", "bx", c1, RoundResults::p50, DIFFERENCE), v -> v <= 60);
        for (Cell c : r.cells()) {
            if (r.has("d", c) && c.connections() * c.window() >= 16) {
                target("MQTT: (d) CPU ≤ 1.2 × (c) CPU at " + c, r.paired("d", "c", c, RoundResults::cpu, RATIO),
                        v -> v <= 1.2);
            }
        }
        JsonNode idle = r.json("idle.json");
        if (idle != null) {
            for (JsonNode x : idle) {
                int n = Math.max(1, x.path("registered").asInt());
                double perConn = (x.path("heapAfterKiB").asDouble() - x.path("heapBeforeKiB").asDouble()) / n;
                target(String.format("idle heap ≤ 6 KiB per connection at %d", x.path("connections").asInt()),
                        Spread.of(List.of(perConn)), v -> v <= 6 && n == x.path("connections").asInt());
            }
        }
    }

    private void target(String what, Spread s, java.util.function.DoublePredicate holds) {
        out.printf("- %s (%s): **%s**%n", what, s.format("%.2f"),
                s.isEmpty() ? "not measured" : holds.test(s.median()) ? "holds" : "does not hold");
    }

    /** The ratios of two runs side by side; true when every ratio measured in both agrees within 15 %. */
    static boolean compare(RoundResults x, RoundResults y, PrintStream out) {
        out.println("| cell | ratio | run 1 (median) | run 2 (median) | difference | within ±15 % |");
        out.println("|---|---|---:|---:|---:|---|");
        boolean all = true;
        int compared = 0;
        for (Cell c : x.cells()) {
            for (Ratio q : RATIOS) {
                Spread a = q.of(x, c);
                Spread b = q.of(y, c);
                if (a.isEmpty() || b.isEmpty()) {
                    continue;
                }
                double d = b.median() / a.median() - 1;
                boolean ok = Math.abs(d) <= AGREEMENT;
                all &= ok;
                compared++;
                out.printf("| %s | %s | %.2f | %.2f | %+.0f %% | %s |%n", c, q.name(), a.median(), b.median(), 100 * d,
                        ok ? "yes" : "**no**");
            }
        }
        out.printf("%nEvery one of %d ratios within ±15 %%: **%s**%n", compared, all && compared > 0 ? "yes" : "no");
        return all && compared > 0;
    }
}
