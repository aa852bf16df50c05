package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;

/**
 * Issue 15 item 4: a bridge whose upstream is a WebSocket server that binds each socket to one originator (ACME,
 * {@link AcmeStyleWsServer}). Devices connect to the bridge over WebSocket; the bridge is the WS client of the CSE.
 * With {@code ws.sockets: per-entity} two AEs register, create, subscribe, and each gets its notification on its own
 * device socket, every request having travelled on the socket of its own originator. The shared socket shows what
 * the mode is for: without {@code originHeader} every request after the registration is refused 4103, with it the
 * CSE has no socket to notify the entity on.
 */
@Timeout(120)
class WsUpstreamPerEntityTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String CLIENT_SOCKETS = "m2mbridge_ws_connections{role=\"client\",subprotocol=\"json\"}";
    private final AcmeStyleWsServer acme = new AcmeStyleWsServer();

    @AfterEach
    void stop() {
        acme.close();
    }

    private Bridge start(String wsSettings) {
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - name: acme
                    binding: ws
                    url: %s
                    cseId: /id-in
                    ws:
                      subprotocols: [oneM2M.json]
                      maxInflight: 1
                %s
                routes:
                  default: acme
                timeouts: { shutdownGrace: 1s, request: 10s }
                store: { durable: false }
                """.formatted(acme.uri(), wsSettings.indent(6).stripTrailing());
        return Bridge.start(ConfigLoader.parse(yaml), new PrintStream(new ByteArrayOutputStream()));
    }

    private static ObjectNode create(int ty, String to, String root, String rn) {
        ObjectNode r = WsTestClient.primitive(1, to).put("ty", ty);
        r.putObject("pc").putObject(root).put("rn", rn);
        return r;
    }

    private static JsonNode registerAe(WsTestClient device, String fr, String rn) throws Exception {
        ObjectNode ae = create(2, "cse-in", "m2m:ae", rn);
        ((ObjectNode) ae.path("pc").path("m2m:ae")).put("api", "N" + rn).put("rr", true).putArray("srv").add("3");
        return device.request(ae, fr);
    }

    /** Container {@code data} under the AE and a subscription on it whose nu is the AE itself; answers' rsc. */
    private static int[] containerAndSubscription(WsTestClient device, String aei, String rn) throws Exception {
        int cnt = device.request(create(3, "cse-in/" + rn, "m2m:cnt", "data"), aei).path("rsc").asInt();
        ObjectNode sub = create(23, "cse-in/" + rn + "/data", "m2m:sub", "sub");
        ((ObjectNode) sub.path("pc").path("m2m:sub")).putArray("nu").add(aei);
        int subscribed = device.request(sub, aei).path("rsc").asInt();
        return new int[] {cnt, subscribed};
    }

    private static int createContentInstance(WsTestClient device, String aei, String rn, String con) throws Exception {
        ObjectNode cin = WsTestClient.primitive(1, "cse-in/" + rn + "/data").put("ty", 4);
        cin.putObject("pc").putObject("m2m:cin").put("con", con);
        return device.request(cin, aei).path("rsc").asInt();
    }

    private static double clientSockets(URI admin) {
        try {
            return PrometheusScrape.of(admin).value(CLIENT_SOCKETS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot scrape " + admin, e);
        }
    }

    @Test
    void perEntitySocketsCarryEachAesRequestsAndItsNotifications() throws Exception {
        try (Bridge bridge = start("sockets: per-entity");
             WsTestClient one = new WsTestClient(bridge.listeners().get("ws"), "dev-one");
             WsTestClient two = new WsTestClient(bridge.listeners().get("ws"), "dev-two")) {
            URI admin = bridge.listeners().get("admin");
            // "C": the CSE assigns the ID, so the registration travels on a socket without X-M2M-Origin;
            // "Cae-two" names its ID, so its registration already goes on the socket of that originator
            JsonNode reg1 = registerAe(one, "C", "ae-one");
            JsonNode reg2 = registerAe(two, "Cae-two", "ae-two");
            assertEquals(2001, reg1.path("rsc").asInt(), reg1.toString());
            assertEquals(2001, reg2.path("rsc").asInt(), reg2.toString());
            String aei1 = reg1.path("pc").path("m2m:ae").path("aei").asText();
            String aei2 = reg2.path("pc").path("m2m:ae").path("aei").asText();
            assertEquals("Cae-two", aei2);

            assertEquals(2001, containerAndSubscription(one, aei1, "ae-one")[1]);
            assertEquals(2001, containerAndSubscription(two, aei2, "ae-two")[1]);
            assertEquals(2000, one.request(WsTestClient.primitive(2, "cse-in/ae-one"), aei1).path("rsc").asInt());
            assertEquals(2000, two.request(WsTestClient.primitive(2, "cse-in/ae-two"), aei2).path("rsc").asInt());

            assertEquals(2001, createContentInstance(one, aei1, "ae-one", "21.5"));
            assertEquals(2001, createContentInstance(two, aei2, "ae-two", "7"));
            JsonNode n1 = one.nextPushedRequest(WAIT);
            JsonNode n2 = two.nextPushedRequest(WAIT);
            assertEquals(aei1, n1.path("to").asText(), String.valueOf(n1));
            assertEquals("21.5", n1.at("/pc/m2m:sgn/nev/rep/m2m:cin/con").asText());
            assertEquals(aei2, n2.path("to").asText(), String.valueOf(n2));
            assertEquals("7", n2.at("/pc/m2m:sgn/nev/rep/m2m:cin/con").asText());
            one.answer(n1, 2000);
            two.answer(n2, 2000);
            assertTrue(Await.within(WAIT, () -> acme.notifications.size() == 2), acme.notifications::toString);
            // each notification went down the socket the CSE bound to that AE, and the AE's answer came back on it
            assertTrue(acme.notifications.contains(new AcmeStyleWsServer.Notification(aei1, aei1, "answered", 2000)),
                    acme.notifications::toString);
            assertTrue(acme.notifications.contains(new AcmeStyleWsServer.Notification(aei2, aei2, "answered", 2000)),
                    acme.notifications::toString);
            assertEquals(java.util.List.of(), acme.foreignOriginators(), "every request on its originator's socket");
            assertTrue(acme.upgrades.contains("null") && acme.upgrades.contains(aei1)
                    && acme.upgrades.contains(aei2), acme.upgrades::toString);

            // one socket per AE; the registration socket without an originator is gone
            assertTrue(Await.within(WAIT, () -> clientSockets(admin) == 2.0),
                    () -> "client sockets: " + clientSockets(admin));
            // deregistration closes the AE's socket
            assertEquals(2002, one.request(WsTestClient.primitive(4, "cse-in/ae-one"), aei1).path("rsc").asInt());
            assertTrue(Await.within(WAIT, () -> clientSockets(admin) == 1.0),
                    () -> "client sockets: " + clientSockets(admin));
        }
    }

    @Test
    void aSharedSocketWithoutOriginHeaderIsRefusedEverythingAfterTheRegistration() throws Exception {
        try (Bridge bridge = start("sockets: shared");
             WsTestClient one = new WsTestClient(bridge.listeners().get("ws"), "dev-one")) {
            JsonNode reg = registerAe(one, "C", "ae-one");
            assertEquals(2001, reg.path("rsc").asInt(), reg.toString());
            String aei = reg.path("pc").path("m2m:ae").path("aei").asText();
            JsonNode cnt = one.request(create(3, "cse-in/ae-one", "m2m:cnt", "data"), aei);
            assertEquals(4103, cnt.path("rsc").asInt(), cnt.toString());
        }
    }

    @Test
    void aSharedSocketWithOriginHeaderCarriesRequestsButNoNotificationReachesTheAe() throws Exception {
        try (Bridge bridge = start("originHeader: /id-bridge");
             WsTestClient one = new WsTestClient(bridge.listeners().get("ws"), "dev-one")) {
            JsonNode reg = registerAe(one, "C", "ae-one");
            assertEquals(2001, reg.path("rsc").asInt(), reg.toString());
            String aei = reg.path("pc").path("m2m:ae").path("aei").asText();
            int[] created = containerAndSubscription(one, aei, "ae-one");
            assertEquals(2001, created[0]);
            assertEquals(2001, created[1]);
            assertEquals(2001, createContentInstance(one, aei, "ae-one", "21.5"));
            assertTrue(Await.within(WAIT, () -> !acme.notifications.isEmpty()));
            assertEquals(new AcmeStyleWsServer.Notification(aei, null, "No WS connection established", 5103),
                    acme.notifications.get(0));
        }
    }
}
