package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;
import org.m2mbridge.demo.DemoCseMqttClient;
import org.m2mbridge.mqtt.EmbeddedBroker;

/**
 * One instrumentation point (issue 17): for one request from a WebSocket device to the CSE and one notification
 * from the CSE to that device, the bridge's real {@code /metrics} move by exactly the primitives that crossed each
 * binding, with the same label values whichever binding the upstream uses, and the upstream round trip is observed
 * exactly once. Every other series of {@code m2mbridge_primitives_total} stays where it was.
 */
@Timeout(120)
class PrimitiveCountsPerBindingTest {
    static final String PRIMITIVES = "m2mbridge_primitives_total";
    static final String ROUND_TRIPS = "m2mbridge_upstream_request_duration_seconds_count";

    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);

    private static Bridge start(String yaml) {
        return Bridge.start(ConfigLoader.parse(yaml), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void wsDeviceThroughAnHttpUpstream() throws Exception {
        DemoCse cse = new DemoCse();
        try (DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
             Bridge bridge = start("""
                     listeners:
                       ws:    { host: 127.0.0.1, port: 0 }
                       http:  { host: 127.0.0.1, port: 0 }
                       admin: { host: 127.0.0.1, port: 0 }
                     upstreams:
                       - { name: in-cse, binding: http, url: "http://127.0.0.1:%d", cseId: /id-in }
                     routes: { default: in-cse }
                     timeouts: { shutdownGrace: 1s }
                     store: { durable: false }
                     """.formatted(cseHttp.port()))) {
            assertOneRequestAndOneNotification(bridge, "http", "Ccount-http");
        } finally {
            cse.close();
        }
    }

    @Test
    void wsDeviceThroughAWsUpstream() throws Exception {
        DemoCse cse = new DemoCse();
        try (DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
             Bridge registrarSide = start(WsUpstreamPairingTest.bridgeB(cseHttp.port()));
             Bridge bridge = start("""
                     listeners:
                       ws:    { host: 127.0.0.1, port: 0 }
                       admin: { host: 127.0.0.1, port: 0 }
                     upstreams:
                       - { name: in-cse, binding: ws, url: "%s", cseId: /id-in }
                     routes: { default: in-cse }
                     timeouts: { shutdownGrace: 1s }
                     store: { durable: false }
                     """.formatted(registrarSide.listeners().get("ws")))) {
            URI admin = bridge.listeners().get("admin");
            Await.until(Duration.ofSeconds(15), () -> AdminClient.upstreamUp(admin, "in-cse"),
                    "the WebSocket upstream connected");
            assertOneRequestAndOneNotification(bridge, "ws", "Ccount-ws");
        } finally {
            cse.close();
        }
    }

    @Test
    void wsDeviceThroughAnMqttUpstream() throws Exception {
        DemoCse cse = new DemoCse();
        try (EmbeddedBroker broker = new EmbeddedBroker();
             DemoCseMqttClient cseMqtt = DemoCseMqttClient.start(cse, codecs, broker.url(), Duration.ofSeconds(10));
             Bridge bridge = start("""
                     listeners:
                       ws:    { host: 127.0.0.1, port: 0 }
                       admin: { host: 127.0.0.1, port: 0 }
                     upstreams:
                       - name: in-cse
                         binding: mqtt
                         broker: %s
                         cseId: /id-in
                         serialization: json
                         mqtt: { clientId: "C::bridge-counts" }
                     routes: { default: in-cse }
                     timeouts: { shutdownGrace: 1s }
                     store: { durable: false }
                     """.formatted(broker.url()))) {
            URI admin = bridge.listeners().get("admin");
            Await.until(Duration.ofSeconds(15), () -> AdminClient.upstreamUp(admin, "in-cse"),
                    "connected to the broker and subscribed");
            assertOneRequestAndOneNotification(bridge, "mqtt", "Ccount-mqtt");
        } finally {
            cse.close();
        }
    }

    /**
     * Registers an AE with a container and a subscription to it (not counted; the subscriber is its own target, so the CSE sends no verification), then creates one content instance
     * (one request up) whose notification comes down to the AE's socket (one notification down), and checks every
     * series of the primitive counter and the upstream round trips against what those two exchanges carried.
     */
    private void assertOneRequestAndOneNotification(Bridge bridge, String upstreamBinding, String ae)
            throws Exception {
        URI admin = bridge.listeners().get("admin");
        try (WsTestClient device = new WsTestClient(bridge.listeners().get("ws"), ae)) {
            ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
            create.putObject("pc").putObject("m2m:ae").put("rn", ae).put("api", "N" + ae).put("rr", true)
                    .putArray("srv").add("3");
            JsonNode registered = device.request(create);
            assertEquals(2001, registered.path("rsc").asInt(), registered.toString());
            String aePath = "cse-in/" + ae;
            ObjectNode cnt = WsTestClient.primitive(1, aePath).put("ty", 3);
            cnt.putObject("pc").putObject("m2m:cnt").put("rn", "data");
            assertEquals(2001, device.request(cnt).path("rsc").asInt());
            ObjectNode sub = WsTestClient.primitive(1, aePath + "/data").put("ty", 23);
            ObjectNode subscription = sub.putObject("pc").putObject("m2m:sub").put("rn", "sub");
            subscription.putArray("nu").add(ae);
            subscription.putObject("enc").putArray("net").add(3);
            // no verification request: the notification target is the subscriber itself (TS-0004 7.3.8.2.1)
            assertEquals(2001, device.request(sub).path("rsc").asInt());
            awaitSettled(admin);

            PrometheusScrape before = PrometheusScrape.of(admin);
            ObjectNode cin = WsTestClient.primitive(1, aePath + "/data").put("ty", 4);
            cin.putObject("pc").putObject("m2m:cin").put("cnf", "text/plain:0").put("con", "21.5");
            assertEquals(2001, device.request(cin).path("rsc").asInt());
            JsonNode notification = device.nextPushedRequest(Duration.ofSeconds(15));
            assertNotNull(notification, "the notification of the new content instance");
            assertEquals(5, notification.path("op").asInt(), notification.toString());
            device.answer(notification, 2000);

            Map<String, Double> expected = new TreeMap<>();
            // the WebSocket device's side
            add(expected, prim("ws", "in", "request", "create", "none"));
            add(expected, prim("ws", "out", "response", "create", "2xxx"));
            add(expected, prim("ws", "out", "request", "notify", "none"));
            add(expected, prim("ws", "in", "response", "notify", "2xxx"));
            // the upstream's side, counted under its binding
            add(expected, prim(upstreamBinding, "out", "request", "create", "none"));
            add(expected, prim(upstreamBinding, "in", "response", "create", "2xxx"));
            add(expected, prim(upstreamBinding, "in", "request", "notify", "none"));
            add(expected, prim(upstreamBinding, "out", "response", "notify", "2xxx"));
            Await.until(Duration.ofSeconds(10), () -> primitiveDeltas(before, scrape(admin)).equals(expected),
                    () -> "primitives moved by " + primitiveDeltas(before, scrape(admin)) + ", expected " + expected);
            awaitSettled(admin);
            PrometheusScrape after = PrometheusScrape.of(admin);
            assertEquals(expected, primitiveDeltas(before, after), "nothing else moved");
            assertEquals(1, after.delta(before, ROUND_TRIPS + "{op=\"create\",upstream=\"in-cse\"}"),
                    "one round trip to the upstream, observed once");
            assertEquals(0, after.delta(before, ROUND_TRIPS + "{op=\"notify\",upstream=\"in-cse\"}"));
            assertEquals(0, after.value("m2mbridge_pending_requests"));
        }
    }

    private static void awaitSettled(URI admin) {
        Await.until(Duration.ofSeconds(10), () -> scrape(admin).value("m2mbridge_pending_requests") == 0,
                "no exchange left in the bus");
    }

    private static PrometheusScrape scrape(URI admin) {
        try {
            return PrometheusScrape.of(admin);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void add(Map<String, Double> expected, String series) {
        expected.merge(series, 1.0, Double::sum);
    }

    /** Every series of the primitive counter that moved between the two scrapes, with how much. */
    private static Map<String, Double> primitiveDeltas(PrometheusScrape before, PrometheusScrape after) {
        Map<String, Double> moved = new TreeMap<>();
        for (String series : after.series().keySet()) {
            if (series.startsWith(PRIMITIVES + "{") && after.delta(before, series) != 0) {
                moved.put(series, after.delta(before, series));
            }
        }
        return moved;
    }

    static String prim(String binding, String direction, String kind, String op, String rscClass) {
        return PRIMITIVES + "{binding=\"" + binding + "\",direction=\"" + direction + "\",kind=\"" + kind
                + "\",op=\"" + op + "\",rsc_class=\"" + rscClass + "\"}";
    }
}
