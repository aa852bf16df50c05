package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.AccessLog;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RefusingPort;
import org.m2mbridge.demo.InProcessDemoPeers;
import org.slf4j.LoggerFactory;

/**
 * Operability against a real bridge: a WebSocket device registered through the bridge at the demo CSE over HTTP,
 * an upstream that never answers, one whose port is closed. Checks that the metrics move by what the traffic
 * did, readiness, the access log, the admin token, the Grafana dashboard's metric names, and the status page in
 * a real headless Chromium.
 */
@Timeout(120)
class OperabilityTest {
    static final String TOKEN = "ops-test-token-0123456789";
    static final String AE = "Cops-ae";
    static final String WS_JSON = "{role=\"server\",subprotocol=\"json\"}";

    static final List<String> LOGGERS = List.of("org.m2mbridge.core.bus.UpstreamState", "org.m2mbridge.ws.ConnectionLog");
    static ServerSocket silent; // accepts TCP (backlog) and never answers: requests time out
    static RefusingPort closed; // nothing listens: connect refused
    static int closedPort;
    static InProcessDemoPeers demo;
    static Bridge bridge;
    static URI admin;
    static WsTestClient device;
    /** The access line's own timestamp: UTC, milliseconds (AccessLog writes it, not the appender). */
    static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
    static final List<ILoggingEvent> access = new CopyOnWriteArrayList<>();
    /** The bridge's own log lines about upstream state and device connections. */
    static final List<ILoggingEvent> bridgeLog = new CopyOnWriteArrayList<>();
    static final AppenderBase<ILoggingEvent> bridgeCapture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            bridgeLog.add(e);
        }
    };
    static final AppenderBase<ILoggingEvent> accessCapture = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent e) {
            access.add(e);
        }
    };

    @BeforeAll
    static void start() throws Exception {
        Logger accessLogger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        accessCapture.start();
        accessLogger.addAppender(accessCapture);
        bridgeCapture.start();
        for (String logger : LOGGERS) {
            ((Logger) LoggerFactory.getLogger(logger)).addAppender(bridgeCapture);
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        silent = new ServerSocket(0, 50, loopback);
        closed = new RefusingPort();
        closedPort = closed.port();
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in }
                  - { name: silent, binding: http, url: "http://127.0.0.1:%d", cseId: /id-silent, timeout: 1s }
                  - { name: down, binding: http, url: "http://127.0.0.1:%d", cseId: /id-down }
                routes: { default: in-cse }
                timeouts: { request: 2s, shutdownGrace: 1s }
                store: { durable: false }
                admin: { token: %s }
                """.formatted(silent.getLocalPort(), closedPort, TOKEN);
        demo = InProcessDemoPeers.start(ConfigLoader.parse(yaml).validate());
        bridge = Bridge.start(demo.bridgeConfig(), BridgeTest.announce(new ByteArrayOutputStream()));
        admin = bridge.listeners().get("admin");
        device = new WsTestClient(bridge.listeners().get("ws"), AE);
        ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
        create.putObject("pc").putObject("m2m:ae").put("rn", "ops-ae").put("api", "Nops-ae").put("rr", true)
                .putArray("srv").add("3");
        JsonNode created = device.request(create);
        assertEquals(2001, created.path("rsc").asInt(), created.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(AccessLog.LOGGER)).detachAppender(accessCapture);
        for (String logger : LOGGERS) {
            ((Logger) LoggerFactory.getLogger(logger)).detachAppender(bridgeCapture);
        }
        if (device != null) {
            device.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (demo != null) {
            demo.close();
        }
        silent.close();
        closed.close();
    }

    @Test
    void metricsMoveByWhatTheTrafficDid() throws Exception {
        PrometheusScrape before = PrometheusScrape.of(admin);

        // A retrieve forwarded to the demo CSE and answered 2000.
        JsonNode read = device.request(WsTestClient.primitive(2, "cse-in/ops-ae"));
        assertEquals(2000, read.path("rsc").asInt(), read.toString());
        // A request to the upstream that never answers: 4008 by the bridge.
        JsonNode timedOut = device.request(WsTestClient.primitive(2, "/id-silent/x"));
        assertEquals(4008, timedOut.path("rsc").asInt(), timedOut.toString());
        // A handshake without Upgrade: refused 400 before any WebSocket exists.
        HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(bridge.listeners().get("ws").toString().replace("ws://", "http://")))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode());
        // An unregistered originator on a second socket: the registration gate answers 4103, nothing forwarded.
        try (WsTestClient stranger = new WsTestClient(bridge.listeners().get("ws"), "Cstranger")) {
            Await.until(Duration.ofSeconds(5), () -> scrape().value("m2mbridge_ws_connections" + WS_JSON) == 2);
            JsonNode gated = stranger.request(WsTestClient.primitive(2, "cse-in"));
            assertEquals(4103, gated.path("rsc").asInt(), gated.toString());
        }
        Await.until(Duration.ofSeconds(5), () -> scrape().value("m2mbridge_ws_connections" + WS_JSON) == 1);

        PrometheusScrape after = PrometheusScrape.of(admin);
        assertEquals(1, after.value("m2mbridge_ws_connections" + WS_JSON), "the registered device's socket");
        assertEquals(1, after.value("m2mbridge_connected_entities{binding=\"ws\",subprotocol=\"json\"}"));
        assertEquals(1, after.value("m2mbridge_registered_entities"));
        assertEquals(1, after.value("m2mbridge_bound_entities"));
        assertEquals(1, after.value("m2mbridge_build_info{version=\"" + BuildInfo.VERSION + "\"}"));
        assertTrue(!BuildInfo.VERSION.equals("unknown"), "version filtered in: " + BuildInfo.VERSION);

        // Primitives by binding, direction, kind, op and rsc class: 3 retrieves came in on ws, 2 passed the gate.
        assertEquals(3, after.delta(before, prim("ws", "in", "request", "retrieve", "none")));
        assertEquals(1, after.delta(before, prim("ws", "out", "response", "retrieve", "2xxx")));
        assertEquals(2, after.delta(before, prim("ws", "out", "response", "retrieve", "4xxx")), "4008 and 4103");
        assertEquals(2, after.delta(before, prim("http", "out", "request", "retrieve", "none")));
        assertEquals(1, after.delta(before, prim("http", "in", "response", "retrieve", "2xxx")));

        assertEquals(1, after.delta(before,
                "m2mbridge_upstream_request_duration_seconds_count{op=\"retrieve\",upstream=\"in-cse\"}"));
        assertTrue(after.delta(before,
                "m2mbridge_upstream_request_duration_seconds_sum{op=\"retrieve\",upstream=\"in-cse\"}") > 0);
        assertEquals(1, after.delta(before, "m2mbridge_upstream_errors_total{kind=\"timeout\",upstream=\"silent\"}"));
        assertEquals(1, after.delta(before, "m2mbridge_request_timeouts_total{binding=\"http\"}"));
        assertEquals(1, after.delta(before, "m2mbridge_ws_handshake_refusals_total{reason=\"not_upgrade\"}"));
        assertEquals(1, after.delta(before, "m2mbridge_rejected_requests_total{reason=\"not_registered\"}"));
        assertEquals(0, after.value("m2mbridge_pending_requests"), "nothing left outstanding");
        assertTrue(after.value("jvm_threads_current") > 0, "JVM metrics (hotspot)");
    }

    @Test
    void anUnreachableUpstreamIsReportedWithItsCauseAndSinceButLeavesTheBridgeReady() throws Exception {
        // An HTTP upstream is judged by its last exchange (and a TCP probe): reachable until a connect fails.
        JsonNode refused = device.request(WsTestClient.primitive(2, "/id-down/x"));
        assertEquals(5103, refused.path("rsc").asInt(), refused.toString());
        HttpResponse<String> ready = AdminClient.get(admin, "/health/ready");
        // admin.readinessIncludesUpstreams defaults to false: a load balancer keeps sending devices here
        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode detail = StatusReport.JSON.readTree(ready.body());
        assertEquals("UP", detail.path("status").asText());
        assertEquals("DOWN", detail.at("/upstreams/down/status").asText());
        assertTrue(detail.at("/upstreams/down/reason").asText().contains("127.0.0.1:" + closedPort),
                "the cause names where it tried: " + ready.body());
        assertTrue(detail.at("/upstreams/down/since").asText().matches(TIME), ready.body());
        assertEquals("UP", detail.at("/upstreams/in-cse/status").asText());
        assertEquals("UP", detail.at("/bindings/ws/status").asText());
        PrometheusScrape scrape = PrometheusScrape.of(admin);
        assertTrue(scrape.value("m2mbridge_upstream_errors_total{kind=\"connect\",upstream=\"down\"}") >= 1);
        assertEquals(0, scrape.value("m2mbridge_upstream_up{upstream=\"down\"}"));
        assertEquals(1, scrape.value("m2mbridge_upstream_up{upstream=\"in-cse\"}"));
        assertEquals(200, AdminClient.get(admin, "/health/live").statusCode(), "alive all the same");

        JsonNode status = StatusReport.JSON.readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(admin.resolve("/api/status")).header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode down = null;
        for (JsonNode u : status.path("upstreams")) {
            down = u.path("name").asText().equals("down") ? u : down;
        }
        assertNotNull(down, status.toString());
        assertEquals("DOWN", down.path("state").asText());
        assertTrue(down.path("reason").asText().contains("127.0.0.1:" + closedPort), down.toString());
        assertTrue(down.path("since").asText().matches(TIME), down.toString());
        assertTrue(status.at("/totals/upstreamsDown").asInt() >= 1, status.path("totals").toString());

        // one WARN line naming the upstream and the cause, however many requests failed
        device.request(WsTestClient.primitive(2, "/id-down/y"));
        List<String> downLines = bridgeLog.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("upstream down is DOWN: ")).toList();
        assertEquals(1, downLines.size(), downLines.toString());
        assertTrue(downLines.get(0).contains("127.0.0.1:" + closedPort), downLines.get(0));
    }

    @Test
    void aDeviceConnectionOpeningAndClosingIsLoggedAtInfoWithCodeAndReasonAndCounted() throws Exception {
        PrometheusScrape before = PrometheusScrape.of(admin);
        String connected = "ws-\\d+ connected from 127\\.0\\.0\\.1:\\d+: subprotocol json.*";
        long earlier = bridgeLog.stream().filter(e -> e.getFormattedMessage().matches(connected)).count();
        String id;
        try (WsTestClient visitor = new WsTestClient(bridge.listeners().get("ws"), "Cvisitor")) {
            Await.until(Duration.ofSeconds(5), () -> bridgeLog.stream()
                    .filter(e -> e.getFormattedMessage().matches(connected)).count() > earlier);
            ILoggingEvent line = bridgeLog.stream().filter(e -> e.getFormattedMessage().matches(connected))
                    .skip(earlier).findFirst().orElseThrow();
            assertEquals("INFO", line.getLevel().toString());
            id = line.getFormattedMessage().split(" ")[0];
        } // closes with 1000 "bye"
        Await.until(Duration.ofSeconds(5), () -> bridgeLog.stream().anyMatch(e -> e.getFormattedMessage()
                .startsWith(id + " closed: ")));
        ILoggingEvent closed = bridgeLog.stream().filter(e -> e.getFormattedMessage().startsWith(id + " closed: "))
                .findFirst().orElseThrow();
        assertEquals("INFO", closed.getLevel().toString());
        assertTrue(closed.getFormattedMessage().startsWith(id + " closed: peer_close (1000 bye, closed by the device)"),
                closed.getFormattedMessage());
        Await.until(Duration.ofSeconds(5), () -> scrape().delta(before,
                "m2mbridge_connections_closed_total{binding=\"ws\",reason=\"peer_close\"}") == 1);
        assertEquals(1, PrometheusScrape.of(admin).delta(before,
                "m2mbridge_connections_opened_total{binding=\"ws\",role=\"server\"}"));
    }

    @Test
    void aNotificationsAccessLineNamesTheUpstreamItCameFromNotASocketAddress() throws Exception {
        ObjectNode cnt = WsTestClient.primitive(1, "cse-in/ops-ae").put("ty", 3);
        cnt.putObject("pc").putObject("m2m:cnt").put("rn", "notified");
        assertEquals(2001, device.request(cnt).path("rsc").asInt());
        ObjectNode sub = WsTestClient.primitive(1, "cse-in/ops-ae/notified").put("ty", 23);
        ObjectNode s = sub.putObject("pc").putObject("m2m:sub").put("rn", "sub");
        s.putArray("nu").add(AE);
        s.putObject("enc").putArray("net").add(3);
        assertEquals(2001, device.request(sub).path("rsc").asInt());
        ObjectNode cin = WsTestClient.primitive(1, "cse-in/ops-ae/notified").put("ty", 4);
        cin.putObject("pc").putObject("m2m:cin").put("con", "21.5");
        device.send(cin); // the CSE may notify before it answers the CREATE
        JsonNode pushed = device.nextPushedRequest(Duration.ofSeconds(10));
        assertNotNull(pushed, "the notification came down the socket");
        device.answer(pushed, 2000);
        String rqi = pushed.path("rqi").asText();
        Await.until(Duration.ofSeconds(5), () -> access.stream().anyMatch(e -> e.getFormattedMessage()
                .contains(" rqi=" + rqi + " ")));
        String line = access.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(" rqi=" + rqi + " ")).findFirst().orElseThrow();
        assertTrue(line.matches(TIME + " conn=in-cse side=up fr=\\S+ rqi=" + Pattern.quote(rqi)
                + " op=notify to=" + AE + " rsc=2000 ms=\\d+\\.\\d via=ws-\\d+ flag=-"), line);
    }

    @Test
    void healthEndpointsAnswerHeadLikeGet() throws Exception {
        for (String path : List.of("/health/live", "/health/ready")) {
            HttpResponse<String> head = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.resolve(path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(AdminClient.get(admin, path).statusCode(), head.statusCode(), path);
            assertEquals("", head.body(), path);
        }
    }

    @Test
    void aBrowserWithoutTheTokenGetsAHintPageAnApiClientJson() throws Exception {
        HttpResponse<String> browser = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.resolve("/status"))
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, browser.statusCode());
        assertTrue(browser.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(browser.body().contains("/status?token="), browser.body());
        HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.resolve("/api/status"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, api.statusCode());
        assertEquals("application/json", api.headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void oneAccessLineperExchangeWithIdsStatusAndLatencyNoContent() throws Exception {
        JsonNode read = device.request(WsTestClient.primitive(2, "cse-in/ops-ae"));
        String rqi = read.path("rqi").asText();
        Await.until(Duration.ofSeconds(5), () -> access.stream().anyMatch(e -> e.getFormattedMessage()
                .contains(" rqi=" + rqi + " ")));
        List<ILoggingEvent> lines = access.stream()
                .filter(e -> e.getFormattedMessage().contains(" rqi=" + rqi + " ")).toList();
        assertEquals(1, lines.size(), "exactly one line per exchange");
        String line = lines.get(0).getFormattedMessage();
        assertTrue(line.matches(TIME + " conn=ws-\\d+ side=down fr=" + AE + " rqi=" + Pattern.quote(rqi)
                + " op=retrieve to=cse-in/ops-ae rsc=2000 ms=\\d+\\.\\d via=in-cse flag=-"), line);
        assertEquals(rqi, lines.get(0).getMDCPropertyMap().get("rqi"));
        assertEquals(AE, lines.get(0).getMDCPropertyMap().get("fr"));
        assertTrue(access.stream().anyMatch(e -> e.getFormattedMessage().contains(" op=create to=cse-in ty=2 rsc=2001 ")),
                "the registration too");
        assertTrue(access.stream().noneMatch(e -> e.getFormattedMessage().contains("Nops-ae")), "never content");
    }

    @Test
    void aRequestTheWsBindingRefusesItselfHasItsAccessLineToo() throws Exception {
        try (WsTestClient stranger = new WsTestClient(bridge.listeners().get("ws"), "Cstranger")) {
            JsonNode refused = stranger.request(WsTestClient.primitive(2, "cse-in/ops-ae"));
            assertEquals(4103, refused.path("rsc").asInt(), "not registered: the gate answers, not the CSE");
            String rqi = refused.path("rqi").asText();
            Await.until(Duration.ofSeconds(5), () -> access.stream().anyMatch(e -> e.getFormattedMessage()
                    .contains(" rqi=" + rqi + " ")));
            String line = access.stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(m -> m.contains(" rqi=" + rqi + " ")).findFirst().orElseThrow();
            assertTrue(line.matches(TIME + " conn=ws-\\d+ side=down fr=Cstranger rqi=" + Pattern.quote(rqi)
                    + " op=retrieve to=cse-in/ops-ae rsc=4103 ms=0\\.0 via=- flag=GR"), line);
        }
    }

    /** Envoy-style: which upstream, and why the bridge answered itself (docs/operations.md "Access log"). */
    @Test
    void anAnswerTheBridgeGaveItselfHasItsUpstreamAndFlagOnTheAccessLine() throws Exception {
        JsonNode timedOut = device.request(WsTestClient.primitive(2, "/id-silent/flag"));
        assertEquals(4008, timedOut.path("rsc").asInt(), timedOut.toString());
        assertTrue(accessLineOf(timedOut).matches(".* rsc=4008 ms=\\d+\\.\\d via=silent flag=UT"),
                accessLineOf(timedOut));
        JsonNode refused = device.request(WsTestClient.primitive(2, "/id-down/flag"));
        assertEquals(5103, refused.path("rsc").asInt(), refused.toString());
        assertTrue(accessLineOf(refused).matches(".* rsc=5103 ms=\\d+\\.\\d via=down flag=UF"),
                accessLineOf(refused));
    }

    private static String accessLineOf(JsonNode answer) throws InterruptedException {
        String rqi = " rqi=" + answer.path("rqi").asText() + " ";
        Await.within(Duration.ofSeconds(5), () -> access.stream().anyMatch(e -> e.getFormattedMessage().contains(rqi)));
        return access.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(rqi)).findFirst()
                .orElseThrow(() -> new AssertionError("no access line for" + rqi));
    }

    @Test
    void statusApiAndPageNeedTheTokenMetricsAndHealthDoNot() throws Exception {
        assertEquals(401, AdminClient.get(admin, "/api/status").statusCode());
        assertEquals(401, AdminClient.get(admin, "/status").statusCode());
        assertEquals(401, AdminClient.get(admin, "/api/status?token=" + TOKEN).statusCode(), "header only for the API");
        assertEquals(401, AdminClient.get(admin, "/status?token=wrong-token-0123456789").statusCode());
        assertEquals(200, AdminClient.get(admin, "/metrics").statusCode());
        assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());

        HttpResponse<String> page = AdminClient.get(admin, "/status?token=" + TOKEN);
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));

        JsonNode status = StatusReport.JSON.readTree(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(admin.resolve("/api/status")).header("Authorization", "Bearer " + TOKEN)
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        JsonNode connection = null;
        for (JsonNode c : status.path("connections")) {
            if (c.path("entities").toString().contains(AE)) {
                connection = c;
            }
        }
        assertNotNull(connection, status.toString());
        assertEquals("json", connection.path("subprotocol").asText());
        assertEquals("ws", connection.path("binding").asText());
        assertTrue(connection.path("remoteAddress").asText().startsWith("127.0.0.1:"), connection.toString());
        assertTrue(connection.path("since").asText().matches("\\d{4}-.*Z"), connection.toString());
        assertEquals(0, connection.path("inflight").asInt());
        assertEquals(0, connection.path("stored").asInt());
        JsonNode inCse = status.path("upstreams").get(0);
        assertEquals("in-cse", inCse.path("name").asText());
        assertEquals("UP", inCse.path("state").asText());
        assertTrue(inCse.path("requests").asLong() >= 1, inCse.toString());
        assertTrue(inCse.path("meanLatencySeconds").asDouble() > 0, inCse.toString());
    }

    /** The page's script renders /api/status into the DOM: what a browser shows, not just what the server sends. */
    @Test
    void statusPageListsTheConnectedDeviceInHeadlessChromium(@TempDir Path profile) throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium),
                "skipping browser test: /usr/bin/chromium is not installed (Debian package chromium)");
        String dom = dumpDom(chromium, profile, admin.resolve("/status?token=" + TOKEN));
        assertTrue(dom.contains("data-loaded=\"true\""), "the script ran and rendered: " + dom);
        int table = dom.indexOf("id=\"connections\"");
        assertTrue(table >= 0, dom);
        String connections = dom.substring(table, dom.indexOf("</table>", table));
        assertTrue(connections.contains(AE), "the connected AE is listed: " + connections);
        assertTrue(connections.contains("127.0.0.1:"), connections);
    }

    /** The DOM headless Chromium rendered (kept for TarballIT; see {@link HeadlessChromium}). */
    static String dumpDom(Path chromium, Path profile, URI url) throws Exception {
        return HeadlessChromium.dumpDom(profile, url);
    }

    static String prim(String binding, String direction, String kind, String op, String rscClass) {
        return "m2mbridge_primitives_total{binding=\"" + binding + "\",direction=\"" + direction + "\",kind=\"" + kind
                + "\",op=\"" + op + "\",rsc_class=\"" + rscClass + "\"}";
    }

    private static PrometheusScrape scrape() {
        try {
            return PrometheusScrape.of(admin);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
