package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;

/**
 * Issue 15 item 5: a device that writes nCube-Thyme's dialect (fixtures/peers/ncube-thyme: lower-case
 * {@code onem2m.r2.0.json}, {@code op}/{@code ty}/{@code rr} as strings, no {@code rvi}, {@code to: "/cse-in"}, no
 * {@code srv}) registers, creates containers and subscribes through the bridge to a CSE that refuses all three
 * faults as ACME does (the demo CSE, strict). It works with {@code listeners.ws.dialect} on and fails without it;
 * each repair alone is needed.
 */
@Timeout(120)
class ThymeDialectTest {
    private static final String DIALECT = "{ defaultRvi: \"2a\", slashedCseBaseName: true, defaultSrv: [\"2a\"] }";
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCse cse = new DemoCse(DemoCse.Settings.defaults().strictly());
    private final DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);

    @AfterEach
    void stop() {
        cseHttp.close();
        cse.close();
    }

    private Bridge start(String dialect) {
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0%s }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - name: in-cse
                    binding: http
                    url: http://127.0.0.1:%d
                    cseId: /id-in
                    cseName: cse-in
                routes:
                  default: in-cse
                timeouts: { shutdownGrace: 1s }
                store: { durable: false }
                """.formatted(dialect == null ? "" : ", dialect: " + dialect, cseHttp.port());
        return Bridge.start(ConfigLoader.parse(yaml), new PrintStream(new ByteArrayOutputStream()));
    }

    /** Thyme's own frames (onem2m_client.js), addressed to ACME's CSEBase name, with an App-ID ACME accepts. */
    private static String registration() {
        return "{\"op\":\"1\",\"to\":\"/cse-in\",\"fr\":\"STHYME1\",\"rqi\":\"t-reg\",\"ty\":\"2\","
                + "\"pc\":{\"m2m:ae\":{\"rn\":\"THYME1\",\"api\":\"Nmeasure_co2\",\"rr\":\"true\"}}}";
    }

    private static JsonNode send(WsTestClient thyme, String frame) throws Exception {
        return thyme.send(frame, WsTestClient.JSON.readTree(frame).path("rqi").asText());
    }

    @Test
    void aThymeDeviceRegistersCreatesContainersAndSubscribesWithTheDialectOn() throws Exception {
        try (Bridge bridge = start(DIALECT);
             WsTestClient thyme = new WsTestClient(bridge.listeners().get("ws"), "STHYME1", "onem2m.r2.0.json")) {
            PrometheusScrape before = PrometheusScrape.of(bridge.listeners().get("admin"));
            JsonNode ae = send(thyme, registration());
            assertEquals(2001, ae.path("rsc").asInt(), ae.toString());
            assertEquals("STHYME1", ae.at("/pc/m2m:ae/aei").asText());
            JsonNode retrieved = send(thyme, "{\"op\":\"2\",\"to\":\"/cse-in/THYME1\",\"fr\":\"STHYME1\","
                    + "\"rqi\":\"t-rtv\",\"pc\":{}}");
            assertEquals(2000, retrieved.path("rsc").asInt(), retrieved.toString());
            for (String cnt : new String[] {"co2", "led"}) {
                JsonNode created = send(thyme, "{\"op\":\"1\",\"to\":\"/cse-in/THYME1\",\"fr\":\"STHYME1\","
                        + "\"rqi\":\"t-" + cnt + "\",\"ty\":\"3\",\"pc\":{\"m2m:cnt\":{\"rn\":\"" + cnt
                        + "\",\"lbl\":[\"" + cnt + "\"]}}}");
                assertEquals(2001, created.path("rsc").asInt(), created.toString());
            }
            // Thyme deletes a stale subscription first (4004 here), then subscribes
            JsonNode gone = send(thyme, "{\"op\":\"4\",\"to\":\"/cse-in/THYME1/led/sub1\",\"fr\":\"STHYME1\","
                    + "\"rqi\":\"t-del\",\"pc\":{}}");
            assertEquals(4004, gone.path("rsc").asInt(), gone.toString());
            JsonNode sub = send(thyme, "{\"op\":\"1\",\"to\":\"/cse-in/THYME1/led\",\"fr\":\"STHYME1\","
                    + "\"rqi\":\"t-sub\",\"ty\":\"23\",\"pc\":{\"m2m:sub\":{\"rn\":\"sub1\",\"enc\":{\"net\":[\"3\"]},"
                    + "\"nu\":[\"STHYME1\"],\"nct\":\"2\"}}}");
            assertEquals(2001, sub.path("rsc").asInt(), sub.toString());

            PrometheusScrape after = PrometheusScrape.of(bridge.listeners().get("admin"));
            assertEquals(6.0, after.delta(before, "m2mbridge_dialect_repairs_total{listener=\"ws\",repair=\"rvi\"}"));
            assertEquals(6.0, after.delta(before, "m2mbridge_dialect_repairs_total{listener=\"ws\",repair=\"to\"}"));
            assertEquals(1.0, after.delta(before, "m2mbridge_dialect_repairs_total{listener=\"ws\",repair=\"srv\"}"));
        }
    }

    @Test
    void withoutTheDialectTheStrictCseRefusesTheRegistration() throws Exception {
        assertRegistrationRefused(null, 4001, "rvi");
    }

    @Test
    void eachRepairIsNeeded() throws Exception {
        assertRegistrationRefused("{ slashedCseBaseName: true, defaultSrv: [\"2a\"] }", 4001, "rvi");
        assertRegistrationRefused("{ defaultRvi: \"2a\", defaultSrv: [\"2a\"] }", 4000, "/cse-in");
        assertRegistrationRefused("{ defaultRvi: \"2a\", slashedCseBaseName: true }", 4000, "srv");
    }

    private void assertRegistrationRefused(String dialect, int rsc, String because) throws Exception {
        try (Bridge bridge = start(dialect);
             WsTestClient thyme = new WsTestClient(bridge.listeners().get("ws"), "STHYME1", "onem2m.r2.0.json")) {
            JsonNode ae = send(thyme, registration());
            assertEquals(rsc, ae.path("rsc").asInt(), ae.toString());
            assertTrue(ae.path("pc").path("m2m:dbg").asText().contains(because), ae.toString());
        }
    }
}
