package org.m2mbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RefusingPort;

/** The HTTP front of the demo CSE over real loopback HTTP (TS-0009 mapping), with the JDK HttpClient. */
@Timeout(60)
class DemoCseHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request the test notification receiver got. */
    record Received(Map<String, List<String>> headers, JsonNode body) {
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private DemoCse cse;
    private DemoCseHttpServer server;
    private HttpServer receiver;
    private String base;

    @BeforeEach
    void start() throws Exception {
        cse = new DemoCse();
        server = DemoCseHttpServer.start(cse, new Codecs(CodecLimits.DEFAULT), "127.0.0.1", 0);
        base = "http://127.0.0.1:" + server.port();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/notify", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), JSON.readTree(body)));
            exchange.getResponseHeaders().add("X-M2M-RSC", "2000");
            exchange.getResponseHeaders().add("X-M2M-RI", exchange.getRequestHeaders().getFirst("X-M2M-RI"));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        server.close();
        cse.close();
    }

    @Test
    void createsAndRetrievesOverHttp() throws Exception {
        HttpResponse<String> created = send(post("/cse-in", "Cbridgetest", "rq-002", "application/json;ty=2",
                "{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nbridgetest\",\"rr\":true,\"srv\":[\"3\"]}}"));
        assertEquals(201, created.statusCode());
        assertEquals("2001", created.headers().firstValue("X-M2M-RSC").orElseThrow());
        assertEquals("rq-002", created.headers().firstValue("X-M2M-RI").orElseThrow());
        assertEquals("3", created.headers().firstValue("X-M2M-RVI").orElseThrow());
        assertTrue(created.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        assertEquals("Cbridgetest", JSON.readTree(created.body()).get("m2m:ae").get("aei").asText());

        HttpResponse<String> sp = send(get("/~/id-in/cse-in/bridgetest", "Cbridgetest", "rq-013"));
        assertEquals(200, sp.statusCode());
        assertEquals("2000", sp.headers().firstValue("X-M2M-RSC").orElseThrow());
        assertEquals("bridgetest", JSON.readTree(sp.body()).get("m2m:ae").get("rn").asText());

        HttpResponse<String> abs = send(get("/_/acme.example.com/id-in/cse-in", "Cbridgetest", "rq-abs"));
        JsonNode cb = JSON.readTree(abs.body()).get("m2m:cb");
        assertEquals("/id-in", cb.get("csi").asText());
        assertEquals(base, cb.get("poa").get(0).asText(), "the CSEBase advertises its own URL");

        HttpResponse<String> missing = send(get("/cse-in/doesnotexist", "Cbridgetest", "rq-009"));
        assertEquals(404, missing.statusCode());
        assertEquals("4004", missing.headers().firstValue("X-M2M-RSC").orElseThrow());
        assertTrue(JSON.readTree(missing.body()).has("m2m:dbg"));

        assertEquals(201, send(post("/cse-in/bridgetest", "Cbridgetest", "rq-005", "application/json;ty=3",
                "{\"m2m:cnt\":{\"rn\":\"data\",\"mni\":10}}")).statusCode());
        assertEquals(201, send(post("/cse-in/bridgetest/data", "Cbridgetest", "rq-007", "application/json;ty=4",
                "{\"m2m:cin\":{\"cnf\":\"text/plain:0\",\"con\":\"21.5\"}}")).statusCode());
        HttpResponse<String> la = send(get("/cse-in/bridgetest/data/la", "Cbridgetest", "rq-008"));
        assertEquals("21.5", JSON.readTree(la.body()).get("m2m:cin").get("con").asText());
        HttpResponse<String> discovery = send(get("/cse-in/bridgetest?fu=1&ty=4", "Cbridgetest", "rq-011"));
        assertEquals(200, discovery.statusCode());
        JsonNode uril = JSON.readTree(discovery.body()).get("m2m:uril");
        assertEquals(1, uril.size(), discovery.body());
        assertTrue(uril.get(0).asText().startsWith("cse-in/bridgetest/data/cin_"), discovery.body());
        HttpResponse<String> both = send(get("/cse-in?fu=1&ty=3+4&lim=1", "Cbridgetest", "rq-011b"));
        assertEquals("cse-in/bridgetest/data", JSON.readTree(both.body()).get("m2m:uril").get(0).asText());
        assertEquals(1, JSON.readTree(both.body()).get("m2m:uril").size());

        HttpResponse<String> foreign = send(get("/cse-in/bridgetest", "Cother", "rq-012"));
        assertEquals(403, foreign.statusCode());
        assertEquals("4103", foreign.headers().firstValue("X-M2M-RSC").orElseThrow());

        HttpResponse<String> conflict = send(post("/cse-in", "Cbridgetest", "rq-003", "application/json;ty=2",
                "{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nbridgetest\",\"rr\":true}}"));
        assertEquals(403, conflict.statusCode());
        assertEquals("4117", conflict.headers().firstValue("X-M2M-RSC").orElseThrow());

        HttpResponse<String> deleted = send(HttpRequest.newBuilder(URI.create(base + "/cse-in/bridgetest"))
                .header("X-M2M-Origin", "Cbridgetest").header("X-M2M-RI", "rq-014").header("X-M2M-RVI", "3")
                .DELETE().build());
        assertEquals(200, deleted.statusCode());
        assertEquals("2002", deleted.headers().firstValue("X-M2M-RSC").orElseThrow());
    }

    @Test
    void rejectsBadRequestsWithOneM2MCodes() throws Exception {
        HttpResponse<String> noRi = send(HttpRequest.newBuilder(URI.create(base + "/cse-in"))
                .header("X-M2M-Origin", "CAdmin").GET().build());
        assertEquals(400, noRi.statusCode());
        assertEquals("4000", noRi.headers().firstValue("X-M2M-RSC").orElseThrow());

        HttpResponse<String> malformed = send(post("/cse-in", "Cx", "rq-bad", "application/json;ty=2", "{not json"));
        assertEquals(400, malformed.statusCode());
        assertEquals("rq-bad", malformed.headers().firstValue("X-M2M-RI").orElseThrow());

        HttpResponse<String> media = send(post("/cse-in", "Cx", "rq-media", "text/plain;ty=2", "hello"));
        assertEquals(415, media.statusCode());
        assertEquals("4015", media.headers().firstValue("X-M2M-RSC").orElseThrow());
    }

    @Test
    void verifiesAndNotifiesAnHttpUrlTarget() throws Exception {
        String nu = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notify";
        assertEquals(201, send(post("/cse-in", "Cbridgetest", "1", "application/json;ty=2",
                "{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nbridgetest\",\"rr\":true}}")).statusCode());
        assertEquals(201, send(post("/cse-in/bridgetest", "Cbridgetest", "2", "application/json;ty=3",
                "{\"m2m:cnt\":{\"rn\":\"data\"}}")).statusCode());
        HttpResponse<String> sub = send(post("/cse-in/bridgetest/data", "Cbridgetest", "3", "application/json;ty=23",
                "{\"m2m:sub\":{\"rn\":\"sub1\",\"nu\":[\"" + nu + "\"],\"enc\":{\"net\":[3]},\"nct\":1}}"));
        assertEquals(201, sub.statusCode());
        String sur = "/id-in/" + JSON.readTree(sub.body()).get("m2m:sub").get("ri").asText();

        assertEquals(1, received.size(), "the verification request came before the 2001");
        Received vrq = received.get(0);
        assertEquals(List.of("/id-in"), vrq.headers().get("X-m2m-origin"));
        assertTrue(vrq.headers().get("Content-type").get(0).startsWith("application/json"));
        assertTrue(vrq.body().get("m2m:sgn").get("vrq").asBoolean());
        assertEquals(sur, vrq.body().get("m2m:sgn").get("sur").asText());

        assertEquals(201, send(post("/cse-in/bridgetest/data", "Cbridgetest", "4", "application/json;ty=4",
                "{\"m2m:cin\":{\"cnf\":\"text/plain:0\",\"con\":\"21.5\"}}")).statusCode());
        Await.until(Duration.ofSeconds(10), () -> received.size() == 2);
        Received notify = received.get(1);
        assertTrue(notify.headers().containsKey("X-m2m-ri"));
        assertEquals(List.of("3"), notify.headers().get("X-m2m-rvi"));
        JsonNode sgn = notify.body().get("m2m:sgn");
        assertEquals(3, sgn.get("nev").get("net").asInt());
        assertEquals("21.5", sgn.get("nev").get("rep").get("m2m:cin").get("con").asText());
        assertEquals(sur, sgn.get("sur").asText());
    }

    @Test
    void failsTheSubscriptionWhenTheTargetDoesNotAnswer() throws Exception {
        try (RefusingPort closed = new RefusingPort()) {
            assertEquals(201, send(post("/cse-in", "Cae", "1", "application/json;ty=2",
                    "{\"m2m:ae\":{\"rn\":\"ae\",\"api\":\"Nae\",\"rr\":true}}")).statusCode());
            HttpResponse<String> sub = send(post("/cse-in/ae", "Cae", "2", "application/json;ty=23",
                    "{\"m2m:sub\":{\"rn\":\"s\",\"nu\":[\"http://127.0.0.1:" + closed.port() + "/n\"]}}"));
            assertEquals(500, sub.statusCode());
            assertEquals("5204", sub.headers().firstValue("X-M2M-RSC").orElseThrow());
        }
    }

    private HttpRequest post(String path, String fr, String rqi, String contentType, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("X-M2M-Origin", fr).header("X-M2M-RI", rqi)
                .header("X-M2M-RVI", "3").header("Accept", "application/json").header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpRequest get(String path, String fr, String rqi) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("X-M2M-Origin", fr).header("X-M2M-RI", rqi)
                .header("X-M2M-RVI", "3").header("Accept", "application/json").GET().build();
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(15, java.util.concurrent.TimeUnit.SECONDS);
    }
}
