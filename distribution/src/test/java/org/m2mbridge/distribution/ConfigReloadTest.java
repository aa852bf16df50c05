package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.bus.AccessLog;
import org.slf4j.LoggerFactory;

/**
 * Reload against a real bridge started as {@code bin/m2m-bridge run --config FILE} does ({@link Main#launch}):
 * {@code POST /-/reload} re-reads the file; a device connected over WebSocket stays connected and its next request
 * goes where the new file says; a bad file is refused with the running configuration kept; keys that need a restart
 * are named. The wss key material case is {@link WssReloadTest}; SIGHUP on a real process is in TarballIT.
 */
@Timeout(90)
class ConfigReloadTest {
    static final String TOKEN = "reload-test-token-0123456789";
    static final String AE = "Creload-ae";

    @TempDir
    Path dir;

    private final DemoCseOverHttp inCse = new DemoCseOverHttp();
    private final DemoCseOverHttp two = new DemoCseOverHttp();
    private final List<String> access = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> accessCapture = capture(access);
    private final AppenderBase<ILoggingEvent> logCapture = capture(log);
    private Path file;
    private RunningBridge running;
    private URI admin;
    private WsTestClient device;

    private static AppenderBase<ILoggingEvent> capture(List<String> into) {
        AppenderBase<ILoggingEvent> a = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                into.add(e.getFormattedMessage());
            }
        };
        a.start();
        return a;
    }

    /** One upstream (in-cse) and the default route to it; {@code extra} is appended under upstreams. */
    private String yaml(String upstreamsAndRoutes) {
        return """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                timeouts: { request: 5s, shutdownGrace: 1s }
                store: { durable: false }
                admin: { token: %s }
                """.formatted(TOKEN) + upstreamsAndRoutes;
    }

    private String inCseOnly(String routes) {
        return """
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:%d", cseId: /id-in }
                """.formatted(inCse.port()) + routes;
    }

    private String inCseAndTwo() {
        return """
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:%d", cseId: /id-in }
                  - { name: two, binding: http, url: "http://127.0.0.1:%d", cseId: /id-two }
                routes: { default: in-cse }
                """.formatted(inCse.port(), two.port());
    }

    @BeforeEach
    void start() throws Exception {
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).addAppender(accessCapture);
        ((Logger) LoggerFactory.getLogger(ConfigReload.class)).addAppender(logCapture);
        file = Files.writeString(dir.resolve("bridge.yaml"), yaml(inCseOnly("routes: { default: in-cse }\n")));
        Main.Launch launch = Main.launch(new String[] {"run", "--config", file.toString()}, Map.of(
                        "M2MBRIDGE_DATA_DIR", dir.resolve("data").toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        running = launch.running();
        assertNotNull(running, "the bridge started");
        admin = running.bridge().listeners().get("admin");
        device = new WsTestClient(running.bridge().listeners().get("ws"), AE);
        ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
        create.putObject("pc").putObject("m2m:ae").put("rn", "reload-ae").put("api", "Nreload-ae").put("rr", true)
                .putArray("srv").add("3");
        assertEquals(2001, device.request(create).path("rsc").asInt());
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(accessCapture);
        ((Logger) LoggerFactory.getLogger(ConfigReload.class)).detachAppender(logCapture);
        if (device != null) {
            device.close();
        }
        if (running != null) {
            running.close();
        }
        inCse.close();
        two.close();
    }

    private HttpResponse<String> reload(String yaml) throws Exception {
        Files.writeString(file, yaml);
        return AdminClient.post(admin, "/-/reload", TOKEN);
    }

    /** The access line of the exchange whose response was {@code answer}. */
    private String accessLine(JsonNode answer) throws InterruptedException {
        String rqi = " rqi=" + answer.path("rqi").asText() + " ";
        assertTrue(Await.within(Duration.ofSeconds(5), () -> access.stream().anyMatch(l -> l.contains(rqi))),
                "access line of " + answer);
        return access.stream().filter(l -> l.contains(rqi)).findFirst().orElseThrow();
    }

    @Test
    void anAddedUpstreamTakesTheConnectedDevicesNextRequestAndARemovedOneGetsNoRoute() throws Exception {
        JsonNode before = device.request(WsTestClient.primitive(2, "/id-two/anything"));
        assertTrue(accessLine(before).endsWith(" via=in-cse flag=-"), "the default route before the reload");

        HttpResponse<String> added = reload(yaml(inCseAndTwo()));
        assertEquals(200, added.statusCode(), added.body());
        JsonNode summary = StatusReport.JSON.readTree(added.body());
        assertEquals("applied", summary.path("status").asText());
        assertEquals("upstreams (two added)", summary.path("applied").path(0).asText(), added.body());
        assertEquals(0, summary.path("needsRestart").size(), added.body());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("configuration reloaded from " + file + ": applied "
                + "upstreams (two added)")), log.toString());

        // the same socket, no reconnect: its next request goes to the new upstream
        JsonNode after = device.request(WsTestClient.primitive(2, "/id-two/anything"));
        assertTrue(accessLine(after).endsWith(" via=two flag=-"), accessLine(after));
        assertEquals(2000, device.request(WsTestClient.primitive(2, "cse-in/reload-ae")).path("rsc").asInt(),
                "still registered and connected");
        PrometheusScrape metrics = PrometheusScrape.of(admin);
        assertEquals(1, metrics.value("m2mbridge_config_reloads_total{result=\"success\"}"));
        assertEquals(1, metrics.value("m2mbridge_config_last_reload_successful"));
        assertEquals(1, metrics.value("m2mbridge_ws_connections{role=\"server\",subprotocol=\"json\"}"));
        assertTrue(metrics.series().containsKey("m2mbridge_upstream_up{upstream=\"two\"}"), "its series is there");

        HttpResponse<String> removed = reload(yaml(inCseOnly("")));
        assertEquals(200, removed.statusCode(), removed.body());
        JsonNode removal = StatusReport.JSON.readTree(removed.body());
        assertEquals("[\"upstreams (two removed)\",\"routes\"]", removal.path("applied").toString(), removed.body());
        assertEquals(0, removal.path("needsRestart").size(), removed.body());
        JsonNode noRoute = device.request(WsTestClient.primitive(2, "/id-two/anything"));
        assertEquals(4004, noRoute.path("rsc").asInt(), noRoute.toString());
        assertTrue(accessLine(noRoute).endsWith(" rsc=4004 ms=0.0 via=- flag=NR")
                || accessLine(noRoute).matches(".* rsc=4004 ms=\\d+\\.\\d via=- flag=NR"), accessLine(noRoute));
    }

    @Test
    void anInvalidFileIsRefusedAndTheRunningConfigurationKept() throws Exception {
        assertEquals(200, reload(yaml(inCseAndTwo())).statusCode());

        HttpResponse<String> typo = reload(yaml(inCseAndTwo()).replace("routes:", "rootes:"));
        assertEquals(400, typo.statusCode(), typo.body());
        JsonNode refused = StatusReport.JSON.readTree(typo.body());
        assertEquals("refused", refused.path("status").asText());
        assertTrue(refused.path("error").asText().contains("rootes"), typo.body());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("configuration reload refused, running configuration kept: ")
                && l.contains("rootes")), log.toString());
        PrometheusScrape metrics = PrometheusScrape.of(admin);
        assertEquals(0, metrics.value("m2mbridge_config_last_reload_successful"));
        assertEquals(1, metrics.value("m2mbridge_config_reloads_total{result=\"failure\"}"));
        double lastGood = metrics.value("m2mbridge_config_last_reload_success_timestamp_seconds");
        assertTrue(lastGood > 0);

        // a key store that cannot be read: the same check as check-config, refused before anything changed
        HttpResponse<String> noKeyStore = reload(yaml(inCseOnly("")).replace("upstreams:\n  - { name: in-cse,",
                "upstreams:\n  - { http: { tls: { trustStore: " + dir.resolve("missing.p12") + " } }, name: in-cse,")
                .replace("http://127", "https://127"));
        assertEquals(400, noKeyStore.statusCode(), noKeyStore.body());
        assertTrue(noKeyStore.body().contains("missing.p12"), noKeyStore.body());

        // the running configuration is the last good one: two is still routed to
        JsonNode stillTwo = device.request(WsTestClient.primitive(2, "/id-two/anything"));
        assertTrue(accessLine(stillTwo).endsWith(" via=two flag=-"), accessLine(stillTwo));

        assertEquals(401, AdminClient.post(admin, "/-/reload", null).statusCode(), "the admin token guards it");
        assertEquals(200, reload(yaml(inCseAndTwo())).statusCode());
        assertEquals(1, PrometheusScrape.of(admin).value("m2mbridge_config_last_reload_successful"));
    }

    @Test
    void keysThatNeedARestartAreNamedAndTheRestApplied() throws Exception {
        String changed = yaml(inCseAndTwo()).replace("ws:    { host: 127.0.0.1, port: 0 }",
                "ws:    { host: 127.0.0.1, port: 0, publicUrl: \"ws://bridge.example:8180/\" }")
                .replace("store: { durable: false }", "store: { durable: false, maxPerEntity: 10 }");
        HttpResponse<String> r = reload(changed);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode summary = StatusReport.JSON.readTree(r.body());
        assertEquals("[\"listeners.ws.publicUrl\",\"store.maxPerEntity\"]", summary.path("needsRestart").toString());
        assertTrue(summary.path("applied").toString().contains("two added"), r.body());
        assertTrue(log.stream().anyMatch(l -> l.contains("; needs a restart (running values kept): "
                + "listeners.ws.publicUrl, store.maxPerEntity")), log.toString());
        assertFalse(device.request(WsTestClient.primitive(2, "/id-two/x")).isEmpty());
    }
}
