package org.m2mbridge.core.codec.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.m2mbridge.core.codec.Serialization;

/**
 * Seeded random-mutation fuzzing of each codec (whole primitives and bare contents) for a bounded time in the
 * normal suite; see {@link CodecProperties} for what is checked. Runs {@code m2m.fuzz.seconds} (default 3) per
 * codec with a fresh seed each run, printed on failure together with the iteration and the input.
 *
 * <p>Longer on demand, e.g. ten minutes per codec:
 * {@code ./mvnw -o test -pl bridge-core -Dtest=MutationFuzzTest -Dm2m.fuzz.seconds=600}.
 * Reproduce a failure: {@code -Dm2m.fuzz.seed=<seed> -Dm2m.fuzz.iteration=<n>} (runs that one input only).
 * Coverage-guided fuzzing with Jazzer: see {@link JazzerCodecFuzzTest}.
 */
class MutationFuzzTest {
    private static final long SECONDS = Long.getLong("m2m.fuzz.seconds", 3);
    private static final long SEED = Long.getLong("m2m.fuzz.seed", System.nanoTime());
    private static final Long ITERATION = Long.getLong("m2m.fuzz.iteration");
    private static final ExecutorService WORKER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "codec-fuzz");
        t.setDaemon(true); // a hung decode must not keep the test JVM alive
        return t;
    });

    @AfterAll
    static void stopWorker() {
        WORKER.shutdownNow();
    }

    @ParameterizedTest
    @EnumSource(Serialization.class)
    @Timeout(value = 30 * 60, unit = TimeUnit.SECONDS)
    void decodeSurvivesMutatedInput(Serialization serialization) throws InterruptedException {
        List<byte[]> primitives = FuzzCorpus.primitives(serialization);
        List<byte[]> contents = FuzzCorpus.contents(serialization);
        assertTrue(primitives.size() >= 10 && contents.size() >= 10,
                "too few seeds: " + primitives.size() + " primitives, " + contents.size() + " contents");
        long codecSeed = SEED ^ (serialization.ordinal() * 0x9E3779B97F4A7C15L);
        long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        long iterations = 0;
        for (long i = ITERATION == null ? 0 : ITERATION; ; i++) {
            // Each input from its own generator, so one iteration can be replayed alone.
            SplittableRandom random = new SplittableRandom(codecSeed + i * 0xBF58476D1CE4E5B9L);
            boolean content = random.nextInt(3) == 0;
            byte[] input = new Mutator(random, content ? contents : primitives, serialization).next();
            check(serialization, content, input, i);
            iterations++;
            if (ITERATION != null || System.nanoTime() > deadline) {
                break;
            }
        }
        System.out.printf("codec fuzz %s: %d inputs in %d s, seed %d%n", serialization, iterations, SECONDS, SEED);
        assertTrue(iterations > 0);
    }

    private static void check(Serialization serialization, boolean content, byte[] input, long iteration)
            throws InterruptedException {
        Runnable property = content ? () -> CodecProperties.content(serialization, input)
                : () -> CodecProperties.primitive(serialization, input);
        Future<?> run = WORKER.submit(property);
        try {
            // Twice the per-input bound: a decode that never returns is caught here, a slow one in the properties.
            run.get(CodecProperties.SLOW.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(serialization, content, input, iteration, e.getCause());
        } catch (TimeoutException e) {
            run.cancel(true);
            throw failure(serialization, content, input, iteration, new AssertionError("no result: hangs"));
        }
    }

    private static AssertionError failure(Serialization serialization, boolean content, byte[] input, long iteration,
                                          Throwable cause) {
        List<String> lines = new ArrayList<>();
        // Reproduction first: the cause may quote hostile text that a report viewer mangles.
        lines.add(serialization + (content ? " content" : " primitive") + " fuzz failure; reproduce with -Dtest="
                + "MutationFuzzTest -Dm2m.fuzz.seed=" + SEED + " -Dm2m.fuzz.iteration=" + iteration);
        lines.add("  input: " + CodecProperties.printable(input));
        lines.add("  " + cause.getMessage());
        return new AssertionError(escapeControls(String.join("\n", lines)), cause);
    }

    /** Control characters (a NUL cuts surefire's report) as {@code \\uXXXX}. */
    private static String escapeControls(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.chars().forEach(c -> out.append(c < 0x20 && c != '\n' ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
