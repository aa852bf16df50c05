package org.m2mbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.bench.RoundResults.Cell;

/** How run.sh's results become figures: per-round ratios, medians over rounds, the ±15 % check, the warm-up rule. */
@Timeout(30)
class ResultsTableTest {
    @TempDir
    Path dir;

    private static void cell(Path round, String kind, double throughput, double cpu) throws IOException {
        Files.createDirectories(round);
        Files.writeString(round.resolve(kind + "-c16-w16.json"), "{\"throughput\":" + throughput
                + ",\"peerCpuMicrosPerMessage\":" + cpu + ",\"latencyMicros\":{\"p50\":100,\"p99\":200}}");
    }

    @Test
    void spreadGivesTheMedianAndTheRangeOverTheRounds() {
        Spread s = Spread.of(List.of(3.0, 1.0, 2.0));
        assertEquals(2.0, s.median());
        assertEquals("2.00 [1.00–3.00]", s.format("%.2f"));
        assertEquals(1.5, Spread.of(List.of(2.0, 1.0)).median());
        assertEquals("n/m", Spread.of(List.of()).format("%.2f"));
    }

    @Test
    void aRatioIsTakenWithinEachRoundBeforeTheMedian() throws IOException {
        // round 1: everything twice as fast as round 2; the bridge's share of echo is 0.25 in both
        cell(dir.resolve("r1"), "a", 100_000, 8);
        cell(dir.resolve("r1"), "c", 25_000, 32);
        cell(dir.resolve("r2"), "a", 50_000, 16);
        cell(dir.resolve("r2"), "c", 12_500, 64);
        RoundResults r = RoundResults.read(dir);
        Cell c = new Cell(16, 16);
        assertEquals(2, r.roundCount());
        Spread ratio = r.paired("c", "a", c, RoundResults::throughput, (x, y) -> x / y);
        assertEquals(List.of(0.25, 0.25), ratio.values());
        assertEquals(List.of(4.0, 4.0), r.paired("c", "a", c, RoundResults::cpu, (x, y) -> x / y).values());
        assertEquals(Spread.of(List.of(25_000.0, 12_500.0)), r.figure("c", c, RoundResults::throughput));
    }

    @Test
    void twoRunsReproduceWhenEveryRatioAgreesWithin15Percent() throws IOException {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        Path three = dir.resolve("three");
        cell(one.resolve("r1"), "a", 100_000, 8);
        cell(one.resolve("r1"), "c", 30_000, 32);
        cell(two.resolve("r1"), "a", 60_000, 10);
        cell(two.resolve("r1"), "c", 20_000, 36); // 0.333 vs 0.30 (+11 %), CPU × echo 3.6 vs 4.0 (-10 %)
        cell(three.resolve("r1"), "a", 100_000, 8);
        cell(three.resolve("r1"), "c", 20_000, 32); // 0.20 vs 0.30: -33 %
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
        assertTrue(ResultsTable.compare(RoundResults.read(one), RoundResults.read(two), out));
        assertFalse(ResultsTable.compare(RoundResults.read(one), RoundResults.read(three), out));
        assertTrue(text.toString(StandardCharsets.UTF_8).contains("| C=16,W=16 | (c)/(a) msg/s | 0.30 | 0.20 | -33 % | **no** |"));
    }

    @Test
    void twoConsecutiveWindowsWithin5PercentAreStable() {
        assertTrue(StableWarmUp.stable(10_000, 10_400));
        assertFalse(StableWarmUp.stable(10_000, 10_600));
        assertFalse(StableWarmUp.stable(0, 0), "no answers at all is not a settled rate");
    }

    @Test
    void warmUpEndsOnceTheRateSettled() throws Exception {
        StableWarmUp w = new StableWarmUp(Duration.ZERO);
        w.window(1_000);
        w.window(2_000); // still climbing
        w.window(2_050); // settled
        StableWarmUp.Outcome o = w.await();
        assertTrue(o.stable());
        assertEquals(2_000, o.previousWindow());
        assertEquals(2_050, o.lastWindow());
    }
}
