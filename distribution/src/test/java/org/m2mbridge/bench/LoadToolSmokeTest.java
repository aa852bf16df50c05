package org.m2mbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        for (String flag : new String[] {"--url", "--connections", "--window", "--format", "--deflate", "--warmup",
                "--duration", "--count", "--mix", "--cse", "--subscribe", "--idle", "--echo", "--pid", "--out",
                "--label", "--ready-file"}) {
            assertTrue(LoadOptions.HELP.contains(flag + " "), flag);
        }
        LoadOptions o = LoadOptions.parse("--url", "ws://127.0.0.1:1/", "--mix", "50,25,25", "--format", "cbor",
                "--duration", "500ms");
        assertEquals(25, o.discoveryPct());
        assertEquals(Serialization.CBOR, o.format());
        assertEquals(Duration.ofMillis(500), o.duration());
    }
}
