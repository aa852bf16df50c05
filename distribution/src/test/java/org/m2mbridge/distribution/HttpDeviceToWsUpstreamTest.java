package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;

/**
 * Issue 10 part 2 over real sockets: an AE that speaks HTTP (TS-0009) to bridge A, which has no WebSocket listener
 * and reaches its CSE as a TS-0020 client of bridge B, which reaches the demo CSE over HTTP. The AE registers,
 * subscribes and gets the notification on its own HTTP server: CSE -HTTP-> B -WS-> A -HTTP-> AE.
 */
@Timeout(120)
class HttpDeviceToWsUpstreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCse cse = new DemoCse();
    private final DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
    private final List<ResponsePrimitive> notifyAnswers = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The AE's own HTTP server (its poa): every request it got, as (X-M2M-Origin, body). */
    private final BlockingQueue<JsonNode> atAe = new LinkedBlockingQueue<>();
    private final List<String> aeOriginators = new CopyOnWriteArrayList<>();
    private final HttpServer ae;

    HttpDeviceToWsUpstreamTest() throws Exception {
        EndToEndTest.recordNotifyAnswers(cse, codecs, notifyAnswers);
        ae = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ae.createContext("/n", ex -> {
            aeOriginators.add(String.valueOf(ex.getRequestHeaders().getFirst("X-M2M-Origin")));
            atAe.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.getResponseHeaders().add("X-M2M-RSC", "2000");
            ex.getResponseHeaders().add("X-M2M-RI", String.valueOf(ex.getRequestHeaders().getFirst("X-M2M-RI")));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        ae.start();
    }

    @AfterEach
    void stop() {
        ae.stop(0);
        cseHttp.close();
        cse.close();
    }

    private static Bridge start(String yaml) {
        return Bridge.start(ConfigLoader.parse(yaml), new PrintStream(new ByteArrayOutputStream()));
    }

    private HttpResponse<String> send(URI base, String method, String path, Integer ty, String body, String rqi)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(15))
                .header("X-M2M-Origin", "Chttpae").header("X-M2M-RI", rqi).header("X-M2M-RVI", "3")
                .header("Accept", "application/json");
        if (ty != null) {
            b.header("Content-Type", "application/json;ty=" + ty);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpAeBehindBridgeARegistersSubscribesAndGetsItsNotificationOnItsOwnPoa() throws Exception {
        try (Bridge b = start(WsUpstreamPairingTest.bridgeB(cseHttp.port()))) {
            String yamlA = """
                    listeners:
                      deviceHttp: { host: 127.0.0.1, port: 0 }
                    upstreams:
                      - name: bridge-b
                        binding: ws
                        url: %s
                        cseId: /id-in
                    routes:
                      default: bridge-b
                    timeouts: { shutdownGrace: 1s }
                    store: { durable: false }
                    """.formatted(b.listeners().get("ws"));
            try (Bridge a = start(yamlA)) {
                URI device = a.listeners().get("deviceHttp");
                assertNotNull(device, a.listeners().toString());
                assertFalse(a.listeners().containsKey("ws"));
                String poa = "http://127.0.0.1:" + ae.getAddress().getPort() + "/n";

                HttpResponse<String> reg = send(device, "POST", "/~/id-in/cse-in", 2,
                        "{\"m2m:ae\":{\"rn\":\"httpae\",\"api\":\"Nhttp\",\"rr\":true,\"srv\":[\"3\"],\"poa\":[\""
                                + poa + "\"]}}", "reg-1");
                assertEquals(201, reg.statusCode(), reg.body());
                assertEquals("2001", reg.headers().firstValue("X-M2M-RSC").orElse(null));
                assertEquals("reg-1", reg.headers().firstValue("X-M2M-RI").orElse(null));
                assertEquals(poa, JSON.readTree(reg.body()).at("/m2m:ae/poa/0").asText(), reg.body());

                // the CSE stores a poa through which it can reach the AE (B's), not the AE's private URL
                RequestPrimitive adminGet = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in/httpae")
                        .fr(DemoCse.ADMIN_ORIGINATOR).rqi("admin-1").rvi("3").build();
                JsonNode stored = cse.handle(adminGet).get(10, TimeUnit.SECONDS).pc().at("/m2m:ae/poa");
                assertEquals(1, stored.size(), stored.toString());
                assertNotEquals(poa, stored.get(0).asText());
                assertTrue(stored.get(0).asText().startsWith(b.listeners().get("http").toString()), stored.toString());

                assertEquals(201, send(device, "POST", "/cse-in/httpae", 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}",
                        "cnt-1").statusCode());
                HttpResponse<String> sub = send(device, "POST", "/cse-in/httpae/data", 23,
                        "{\"m2m:sub\":{\"rn\":\"sub\",\"nu\":[\"Chttpae\"],\"enc\":{\"net\":[3]}}}", "sub-1");
                assertEquals(201, sub.statusCode(), sub.body());
                assertEquals(201, send(device, "POST", "/cse-in/httpae/data", 4,
                        "{\"m2m:cin\":{\"con\":\"21.5\"}}", "cin-1").statusCode());

                JsonNode notification = null;
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (notification == null && System.nanoTime() < until) {
                    JsonNode n = atAe.poll(1, TimeUnit.SECONDS);
                    if (n != null && n.at("/m2m:sgn/nev/rep/m2m:cin").isObject()) {
                        notification = n;
                    }
                }
                assertNotNull(notification, "the AE got the cin notification on its own HTTP server");
                assertEquals("21.5", notification.at("/m2m:sgn/nev/rep/m2m:cin/con").asText());
                assertTrue(aeOriginators.stream().allMatch(o -> o.equals("/id-in")), aeOriginators.toString());
                // the CSE's HTTP client records the answer asynchronously: the AE's 2000, via A and B
                assertTrue(Await.within(Duration.ofSeconds(10),
                        () -> notifyAnswers.stream().anyMatch(n -> n.rsc() == 2000)), notifyAnswers.toString());

                // the AE reads itself back and sees its own poa, not the bridge's
                HttpResponse<String> self = send(device, "GET", "/cse-in/httpae", null, null, "get-1");
                assertEquals(200, self.statusCode(), self.body());
                assertEquals(poa, JSON.readTree(self.body()).at("/m2m:ae/poa/0").asText(), self.body());
            }
        }
    }

    @Test
    void aTakenDeviceHttpPortIsNamedInTheStartupFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String yaml = """
                    listeners:
                      deviceHttp: { host: 127.0.0.1, port: %d }
                    upstreams:
                      - name: in-cse
                        binding: http
                        url: http://127.0.0.1:%d
                        cseId: /id-in
                        notifications: false
                    routes:
                      default: in-cse
                    store: { durable: false }
                    """.formatted(taken.getLocalPort(), cseHttp.port());
            StartupFailure e = assertThrows(StartupFailure.class, () -> start(yaml));
            assertTrue(e.getMessage().contains("binding http failed to start (listeners.deviceHttp 127.0.0.1:"
                    + taken.getLocalPort() + ")"), e.getMessage());
        }
    }
}
