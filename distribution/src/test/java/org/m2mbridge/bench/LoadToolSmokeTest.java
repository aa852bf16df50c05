package org.m2mbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;
import org.m2mbridge.demo.HttpNotificationTransport;
import org.m2mbridge.distribution.Bridge;

/**
 * The only benchmark code in {@code ./mvnw verify}: the load tool against a real bridge (real bindings, found by
 * ServiceLoader) in front of the demo CSE, over real sockets, for about fifty requests.
 */
@Timeout(90)
class LoadToolSmokeTest {
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCse cse = new DemoCse();
    private final DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);

    LoadToolSmokeTest() {
        HttpNotificationTransport http = new HttpNotificationTransport(codecs.get(Serialization.JSON),
                Duration.ofSeconds(5));
        cse.registerTransport("http", http::send);
    }

    @AfterEach
    void stop() {
        cseHttp.close();
        cse.close();
    }

    private Bridge bridge() {
        return Bridge.start(ConfigLoader.parse("""
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:%d", cseId: /id-in, serialization: json }
                routes: { default: in-cse }
                timeouts: { shutdownGrace: 1s }
                store: { durable: false }
                """.formatted(cseHttp.port())), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void fiftyRequestsThroughTheBridgeWithNotificationsAndAJsonReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("result.json");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (Bridge bridge = bridge()) {
            LoadOptions o = LoadOptions.parse("--url", bridge.listeners().get("ws").toString(), "--connections", "2",
                    "--window", "2", "--count", "50", "--warmup", "0s", "--mix", "60,30,10", "--subscribe", "--deflate",
                    "--duration", "30s", "--pid", Long.toString(ProcessHandle.current().pid()), "--out", out.toString());
            ObjectNode report = LoadTool.run(o, new PrintStream(progress, true, StandardCharsets.UTF_8));

            assertEquals(0, report.path("setupFailures").asInt(), report.toString());
            assertEquals(0, report.path("errors").asInt(), report.toString());
            assertEquals(0, report.path("unrecognised").asInt(), report.toString());
            assertEquals(0, report.path("unanswered").asInt(), report.toString());
            assertTrue(report.path("messages").asLong() >= 50, report.toString());
            JsonNode byRsc = report.path("byRsc");
            assertTrue(byRsc.path("2001").asLong() > 0 && byRsc.path("2000").asLong() > 0, report.toString());
            assertEquals(report.path("messages").asLong(), byRsc.path("2001").asLong() + byRsc.path("2000").asLong(),
                    "every answer is a success: " + report);
            // Every CREATE cin notifies the AE's own subscription down its socket (TS-0020 through the bridge).
            assertTrue(report.path("notifications").asLong() > 0, report.toString());
            JsonNode lat = report.path("latencyMicros");
            assertTrue(lat.path("p50").asLong() > 0 && lat.path("p50").asLong() <= lat.path("p99").asLong()
                    && lat.path("p99").asLong() <= lat.path("max").asLong(), report.toString());
            assertTrue(report.has("peerCpuMicrosPerMessage"), report.toString());
            // The bridge negotiates permessage-deflate by default (ws.deflate: true).
            assertEquals(2, report.path("deflateConnections").asInt(), report.toString());
            assertEquals(report.toString(), LoadTool.JSON.readTree(Files.readString(out)).toString(),
                    "the JSON file holds the report");
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("ready: 2 of 2 connections registered"),
                    progress.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void helpDocumentsEveryFlagTheParserAccepts() {
        var options = LoadOptions.commandLine().getCommandSpec().options();
        assertTrue(options.size() >= 18, "the flags: " + options.size());
        for (var option : options) {
            String flag = option.longestName();
            assertTrue(LoadOptions.HELP.contains(flag + " ") || LoadOptions.HELP.contains(flag + "="), flag);
            assertTrue(option.description().length > 0 && !option.description()[0].isBlank(), flag + " described");
        }
        for (String flag : new String[] {"--url", "--connections", "--window", "--format", "--deflate", "--warmup",
                "--duration", "--count", "--mix", "--cse", "--subscribe", "--idle", "--echo", "--pid", "--out",
                "--label", "--ready-file"}) {
            assertTrue(options.stream().anyMatch(o -> o.longestName().equals(flag)), flag + " still accepted");
        }
        LoadOptions o = LoadOptions.parse("--url", "ws://127.0.0.1:1/", "--mix", "50,25,25", "--format", "cbor",
                "--duration", "500ms");
        assertEquals(25, o.discoveryPct());
        assertEquals(Serialization.CBOR, o.format());
        assertEquals(Duration.ofMillis(500), o.duration());
    }

    /** Issue 16.13: errors in words, never Java class names. */
    @Test
    void errorsAreReportedInWords() throws Exception {
        for (String[] args : new String[][] {{"--url", "ws://127.0.0.1:1/", "--window", "many"},
                {"--url", "ws://127.0.0.1:1/", "--duration", "soon"}, {"--connections", "2"},
                {"--url", "ws://127.0.0.1:1/", "--mix", "1,2"}, {"--url", "ws://127.0.0.1:1/", "--bogus"}}) {
            String m = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> LoadOptions.parse(args)).getMessage();
            assertFalse(m.contains("java.") || m.contains("Exception"), m);
        }
        try (org.m2mbridge.core.testing.RefusingPort refusing = new org.m2mbridge.core.testing.RefusingPort()) {
            String url = "ws://127.0.0.1:" + refusing.port() + "/";
            ObjectNode report = LoadTool.run(LoadOptions.parse("--url", url, "--duration", "1s", "--warmup", "0s"),
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertEquals(1, report.path("setupFailures").asInt());
            assertEquals("cannot connect to " + url + ": connection refused", report.path("firstSetupFailure").asText());
        }
    }

    /**
     * Issue 16.13: with --idle, the connections the bridge closes are counted (here: the bridge stops); the progress
     * line after the measured interval is not labelled warm-up; a summary table in ms ends the run.
     */
    @Test
    void idleCountsTheConnectionsTheBridgeClosedAndTheRunEndsWithASummary(@TempDir Path dir) throws Exception {
        Path ready = dir.resolve("ready");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PrintStream lines = new PrintStream(progress, true, StandardCharsets.UTF_8);
        java.util.concurrent.CompletableFuture<ObjectNode> run = new java.util.concurrent.CompletableFuture<>();
        Bridge bridge = bridge();
        try {
            LoadOptions o = LoadOptions.parse("--url", bridge.listeners().get("ws").toString(), "--connections", "2",
                    "--idle", "--duration", "60s", "--warmup", "0s", "--ready-file", ready.toString());
            Thread t = new Thread(() -> {
                try {
                    run.complete(LoadTool.run(o, lines));
                } catch (Exception e) {
                    run.completeExceptionally(e);
                }
            }, "m2m-load");
            t.setDaemon(true);
            t.start();
            Await.until(Duration.ofSeconds(60), () -> Files.exists(ready), "connections registered");
        } finally {
            bridge.close(); // closes the devices' sockets (1001)
        }
        Await.until(Duration.ofSeconds(60), () -> progress.toString(StandardCharsets.UTF_8).contains("closed by peer 2"), "closes counted");
        Files.delete(ready); // the idle hold ends when the ready file goes
        ObjectNode report = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(2, report.path("closedByPeer").asInt(), report.toString());
        String text = progress.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("2 of 2 connections were closed by the peer"), text);
        assertTrue(text.matches("(?s).*\\[ *\\d+s\\] measure .* ms .*"), text);

        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        SummaryTable.print(report, new PrintStream(summary, true, StandardCharsets.UTF_8));
        String table = summary.toString(StandardCharsets.UTF_8);
        assertTrue(table.matches("(?s)summary\\n.*  latency p99 +\\d+\\.\\d{3} ms\\n.*  closed by peer +2\\n.*"), table);
    }

    /** The progress line after the measured interval (the drain) says so; it used to be labelled warm-up. */
    @Test
    void progressLinesAreInMillisecondsAndLabelledByPhase() {
        Measurement m = new Measurement(ProcessCpu.of(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
        m.answered(2000, 1_500_000);
        m.progress(p, 1, 0, 0);
        m.startMeasuring();
        m.answered(2000, 2_500_000);
        m.progress(p, 2, 0, 0);
        m.stopMeasuring();
        m.progress(p, 3, 0, 1);
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[0].matches(".* warm-up .* p50 +1\\.50\\d ms .*"), lines[0]);
        assertTrue(lines[1].matches(".* measure .* p50 +2\\.50\\d ms .*"), lines[1]);
        assertTrue(lines[2].contains(" done ") && lines[2].endsWith("closed by peer 1"), lines[2]);
    }
}
