package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.DefaultByteBufferPool;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/**
 * {@code bin/m2m-load}: N simulated AEs against a bridge's WebSocket listener; see {@link LoadOptions#HELP}.
 * Prints a progress line every second, and at the end a summary table (ms) on stderr and the JSON results on stdout.
 */
public final class LoadTool {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Connections set up at the same time; more only queue in the bridge's upstream pool. */
    private static final int SETUP_PARALLELISM = 64;

    private LoadTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(LoadOptions.HELP);
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("m2m-load: " + e.getMessage() + " (m2m-load --help lists the flags)");
            System.exit(2);
            return;
        }
        ObjectNode report = run(options, System.err);
        SummaryTable.print(report, System.err);
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.exit(report.path("setupFailures").asInt() > 0 || report.path("messages").asLong() == 0
                && !options.idle() ? 1 : 0);
    }

    /**
     * A failure in words for the operator: the tool's own messages ("register answered 4103 ...", "cannot connect to
     * ...: connection refused") as they are, anything else through {@link FailureWords}, never a class name.
     */
    static String words(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return "no answer in time";
        }
        return t instanceof SetupFailure ? t.getMessage() : FailureWords.describe(t);
    }

    /** Until {@code --duration} passes or a script deletes the ready file (it has measured the idle bridge). */
    private static void holdIdle(LoadOptions o) throws InterruptedException {
        long until = System.nanoTime() + o.duration().toNanos();
        while (System.nanoTime() < until && (o.readyFile() == null || Files.exists(o.readyFile()))) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /**
     * The warm-up before measuring: with {@code --warmup} above zero and traffic to measure, at least that long and
     * then until the tool's own throughput settled ({@link StableWarmUp}); a plain wait otherwise.
     */
    static StableWarmUp.Outcome warmUp(LoadOptions o, StableWarmUp warmUp, PrintStream progress)
            throws InterruptedException {
        if (o.warmup().isZero() || o.idle()) {
            TimeUnit.MILLISECONDS.sleep(o.warmup().toMillis());
            return null;
        }
        StableWarmUp.Outcome w = warmUp.await();
        progress.printf("warm-up %.1f s, %s (last two 1 s windows: %d, %d answers)%n", w.length().toMillis() / 1000.0,
                w.stable() ? "stable" : "NOT stable within " + StableWarmUp.MAX_EXTRA.toSeconds() + " s more",
                w.previousWindow(), w.lastWindow());
        return w;
    }

    /** What the warm-up was, in the JSON results: a run that never settled is visible there. */
    static void warmUpReport(ObjectNode report, StableWarmUp.Outcome w) {
        if (w != null) {
            report.putObject("warmup").put("seconds", w.length().toMillis() / 1000.0).put("stable", w.stable())
                    .put("previousWindow", w.previousWindow()).put("lastWindow", w.lastWindow());
        }
    }

    /** Runs one load and returns its results (also written to {@code --out}). */
    static ObjectNode run(LoadOptions o, PrintStream progress) throws Exception {
        Codecs codecs = new Codecs(CodecLimits.DEFAULT);
        PrimitiveCodec codec = codecs.get(o.format());
        Measurement measurement = new Measurement(ProcessCpu.of(o.pid()));
        LoadRun run = new LoadRun(o.count());
        String runId = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);
        int ioThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        XnioWorker worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, ioThreads).set(Options.TCP_NODELAY, true)
                .set(Options.WORKER_TASK_CORE_THREADS, 1).set(Options.WORKER_TASK_MAX_THREADS, 1).getMap());
        DefaultByteBufferPool pool = new DefaultByteBufferPool(true, 16 * 1024);
        List<AeConnection> connections = new ArrayList<>();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        int setupFailures = 0;
        String firstFailure = null;
        StableWarmUp.Outcome warmedUp = null;
        long unanswered;
        try {
            ExecutorService setup = Executors.newFixedThreadPool(Math.min(o.connections(), SETUP_PARALLELISM));
            List<Future<?>> started = new ArrayList<>();
            for (int i = 0; i < o.connections(); i++) {
                AeConnection c = new AeConnection(i, runId, o, codec, measurement, run);
                connections.add(c);
                started.add(setup.submit(() -> {
                    c.connect(worker, pool, SETUP_TIMEOUT);
                    c.setUp(SETUP_TIMEOUT);
                    return null;
                }));
            }
            for (Future<?> f : started) {
                try {
                    f.get(SETUP_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    setupFailures++;
                    if (firstFailure == null) {
                        firstFailure = words(e);
                    }
                }
            }
            setup.shutdownNow();
            progress.printf("ready: %d of %d connections %s%s%n", o.connections() - setupFailures, o.connections(),
                    o.echo() ? "open" : "registered", firstFailure == null ? "" : " (first failure: " + firstFailure + ")");
            if (o.readyFile() != null) {
                Files.writeString(o.readyFile(), (o.connections() - setupFailures) + "\n");
            }
            boolean nothingToRun = setupFailures == o.connections(); // report the failure at once, no idle wait
            long t0 = System.nanoTime();
            StableWarmUp warmUp = new StableWarmUp(o.warmup());
            ticker.scheduleAtFixedRate(() -> {
                long answers = measurement.progress(progress, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0),
                        connections.stream().mapToLong(AeConnection::inFlight).sum(),
                        connections.stream().filter(AeConnection::closedByPeer).count());
                if (!measurement.measuring()) {
                    warmUp.window(answers);
                }
            }, 1, 1, TimeUnit.SECONDS);
            connections.forEach(AeConnection::startLoad);
            if (!nothingToRun) {
                warmedUp = warmUp(o, warmUp, progress);
            }
            measurement.startMeasuring(); // first: every measured request is answered inside the window
            run.startMeasuring();
            if (nothingToRun) {
                progress.println("no connection could be set up; nothing to measure");
            } else if (o.idle()) {
                holdIdle(o);
            } else if (o.count() > 0) {
                if (!run.awaitCount(Math.max(o.duration().toMillis(), 60_000))) {
                    progress.println("count not reached within the time limit");
                }
            } else {
                TimeUnit.MILLISECONDS.sleep(o.duration().toMillis());
            }
            measurement.stopMeasuring();
            run.stopIssuing();
            long closed = connections.stream().filter(AeConnection::closedByPeer).count();
            if (closed > 0) {
                progress.printf("%d of %d connections were closed by the peer%n", closed, o.connections());
            }
            ticker.shutdownNow();
            long drainUntil = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while ((unanswered = connections.stream().mapToLong(AeConnection::inFlight).sum()) > 0
                    && System.nanoTime() < drainUntil) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            List<CompletableFuture<?>> gone = connections.stream().map(AeConnection::deregister)
                    .<CompletableFuture<?>>map(f -> f).toList();
            try {
                CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                progress.println("deregistration incomplete: " + words(e));
            }
        } finally {
            ticker.shutdownNow();
            connections.forEach(AeConnection::close);
            worker.shutdown();
            worker.awaitTermination(5, TimeUnit.SECONDS);
        }
        ObjectNode settings = JSON.createObjectNode().put("label", o.label()).put("url", o.url().toString())
                .put("connections", o.connections()).put("window", o.window()).put("format", o.format().token())
                .put("deflate", o.deflate()).put("mix", o.createPct() + "," + o.retrievePct() + "," + o.discoveryPct())
                .put("subscribe", o.subscribe()).put("idle", o.idle()).put("echo", o.echo())
                .put("warmupSeconds", o.warmup().toMillis() / 1000.0);
        ObjectNode report = measurement.report(JSON, settings);
        warmUpReport(report, warmedUp);
        report.put("setupFailures", setupFailures);
        report.put("deflateConnections", connections.stream().filter(AeConnection::deflateNegotiated).count());
        if (firstFailure != null) {
            report.put("firstSetupFailure", firstFailure);
        }
        report.put("unanswered", unanswered);
        // --idle: a connection the bridge closed (pong timeout, limits, shutdown) is not idle any more.
        report.put("closedByPeer", connections.stream().filter(AeConnection::closedByPeer).count());
        if (unanswered > 0) {
            var rqis = report.putArray("unansweredRqis");
            connections.stream().flatMap(c -> c.inFlightRqis().stream()).sorted().limit(20).forEach(rqis::add);
        }
        if (o.out() != null) {
            Measurement.write(JSON, report, o.out());
        }
        return report;
    }
}
