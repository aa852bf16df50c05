package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BinaryOperator;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The result files of one {@code bench/run.sh} run: {@code r<N>/<kind>-c<C>-w<W>.json} per round (a directory
 * without rounds counts as one round), plus the machine records and the one-off fan-out and idle results. Every
 * figure and every ratio is taken within a round first and only then summarised over the rounds, so a machine
 * that was slower in one round moves both sides of a ratio together.
 */
final class RoundResults {
    /** a echo, b direct HTTP, c bridge WS-HTTP, d bridge WS-MQTT, bx/cx: b and c against a Connection: close stub. */
    static final List<String> KINDS = List.of("a", "b", "c", "d", "bx", "cx");
    private static final Pattern CELL = Pattern.compile("(a|b|c|d|bx|cx)-c(\\d+)-w(\\d+)\\.json");
    private static final Pattern ROUND = Pattern.compile("r(\\d+)");

    /** One (C, W) cell of the matrix. */
    record Cell(int connections, int window) implements Comparable<Cell> {
        @Override
        public int compareTo(Cell o) {
            return connections != o.connections ? Integer.compare(connections, o.connections)
                    : Integer.compare(window, o.window);
        }

        @Override
        public String toString() {
            return "C=" + connections + ",W=" + window;
        }
    }

    private final Path dir;
    /** Per round (in order): kind-cell key -> that run's JSON. */
    private final List<Map<String, JsonNode>> rounds = new ArrayList<>();
    private final TreeSet<Cell> cells = new TreeSet<>();

    private RoundResults(Path dir) {
        this.dir = dir;
    }

    static RoundResults read(Path dir) throws IOException {
        RoundResults r = new RoundResults(dir);
        List<Path> roundDirs;
        try (Stream<Path> s = Files.list(dir)) {
            roundDirs = s.filter(p -> Files.isDirectory(p) && ROUND.matcher(p.getFileName().toString()).matches())
                    .sorted((x, y) -> Integer.compare(roundNumber(x), roundNumber(y))).toList();
        }
        for (Path d : roundDirs.isEmpty() ? List.of(dir) : roundDirs) {
            r.rounds.add(r.readRound(d));
        }
        return r;
    }

    private static int roundNumber(Path p) {
        Matcher m = ROUND.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : 0;
    }

    private Map<String, JsonNode> readRound(Path d) throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(d)) {
            for (Path f : s.toList()) {
                Matcher m = CELL.matcher(f.getFileName().toString());
                JsonNode json = m.matches() ? json(f) : null;
                if (json != null) {
                    Cell cell = new Cell(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
                    cells.add(cell);
                    out.put(key(m.group(1), cell), json);
                }
            }
        }
        return out;
    }

    private static String key(String kind, Cell cell) {
        return kind + "-c" + cell.connections() + "-w" + cell.window();
    }

    /** A file of the run's directory as JSON, or null when it is absent or unreadable. */
    JsonNode json(String name) {
        return json(dir.resolve(name));
    }

    private static JsonNode json(Path p) {
        try {
            return Files.exists(p) ? LoadTool.JSON.readTree(p.toFile()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    int roundCount() {
        return rounds.size();
    }

    List<Cell> cells() {
        return List.copyOf(cells);
    }

    boolean has(String kind, Cell cell) {
        return rounds.stream().anyMatch(r -> r.containsKey(key(kind, cell)));
    }

    /** The run of {@code kind} at {@code cell} in round {@code round} (0-based), or null. */
    JsonNode run(String kind, Cell cell, int round) {
        return rounds.get(round).get(key(kind, cell));
    }

    /** One figure of {@code kind} at {@code cell} over the rounds (rounds without it, or without the field, left out). */
    Spread figure(String kind, Cell cell, ToDoubleFunction<JsonNode> field) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            JsonNode r = run(kind, cell, i);
            double x = r == null ? Double.NaN : field.applyAsDouble(r);
            if (!Double.isNaN(x)) {
                v.add(x);
            }
        }
        return Spread.of(v);
    }

    /**
     * {@code op(x of kindX, y of kindY)} within each round that measured both, over the rounds: e.g. a throughput
     * ratio or a CPU multiple of echo in the same round.
     */
    Spread paired(String kindX, String kindY, Cell cell, ToDoubleFunction<JsonNode> field, BinaryOperator<Double> op) {
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            JsonNode x = run(kindX, cell, i);
            JsonNode y = run(kindY, cell, i);
            if (x != null && y != null) {
                double a = field.applyAsDouble(x);
                double b = field.applyAsDouble(y);
                if (!Double.isNaN(a) && !Double.isNaN(b) && b != 0) {
                    v.add(op.apply(a, b));
                }
            }
        }
        return Spread.of(v);
    }

    static double throughput(JsonNode r) {
        return r.path("throughput").asDouble(Double.NaN);
    }

    static double p50(JsonNode r) {
        return r.path("latencyMicros").path("p50").asDouble(Double.NaN);
    }

    static double p99(JsonNode r) {
        return r.path("latencyMicros").path("p99").asDouble(Double.NaN);
    }

    /** The watched process's CPU per message; not measured (NaN) when the run watched no process ({@code --pid}). */
    static double cpu(JsonNode r) {
        boolean watched = r.has("peerCpuMicrosPerMessage") && r.path("peerPid").asLong(1) > 0;
        return watched ? r.path("peerCpuMicrosPerMessage").asDouble() : Double.NaN;
    }

    static double errors(JsonNode r) {
        return r.path("errors").asDouble() + r.path("unanswered").asDouble();
    }

    /** 1 when the run's warm-up settled (or was not asked for), 0 when it hit its bound. */
    static double warmedUp(JsonNode r) {
        return r.path("warmup").path("stable").asBoolean(true) ? 1 : 0;
    }
}
