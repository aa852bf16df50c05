package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.Listeners;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/** The inbound server: upstream CSEs reaching entities registered through the bridge (TS-0009, server side). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InboundHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("/work/shared/fixtures/peers");

    /** A device connection that answers every request 2000 at once and remembers it. */
    static final class AnsweringLink implements Link {
        final List<RequestPrimitive> received = new CopyOnWriteArrayList<>();

        @Override
        public String id() {
            return "device-1";
        }

        @Override
        public String binding() {
            return "test";
        }

        @Override
        public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
            received.add(request);
            return CompletableFuture.completedFuture(ResponsePrimitive.builder(2000, request.rqi()).rvi("3").build());
        }
    }

    private TestBus bus;
    private HttpBinding binding;
    private AnsweringLink device;
    private String token;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        ScriptedUpstream cse = new ScriptedUpstream("in-cse", "/id-in");
        bus = new TestBus(Duration.ofSeconds(5), cse);
        Codecs codecs = new Codecs(CodecLimits.DEFAULT);
        BridgeConfig config = HandBuiltConfig.of(new ListenerConfig("127.0.0.1", 0, null), null,
                new LimitsConfig(4096, null, null, null), null);
        binding = new HttpBinding();
        binding.start(new BridgeContext(config, bus.bus, codecs, bus.metrics, bus.timer));
        base = binding.boundListeners().get("http");
        // Register Cbridgetest through the bus the way a device does, so the real token path is used.
        device = new AnsweringLink();
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("/id-in").fr("Cbridgetest")
                .rqi("reg-1").rvi("3").ty(2)
                .pc(JSON.readTree("{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nx\",\"rr\":false}}")).build();
        assertEquals(2001, bus.bus.send(create, Ingress.downstream(device)).get(5, TimeUnit.SECONDS).rsc());
        token = bus.registry.byEntityId("Cbridgetest").orElseThrow().token();
        String poa = cse.received.get(0).pc().path("m2m:ae").path("poa").path(0).asText();
        assertTrue(poa.endsWith("/notify/" + token), poa); // the bus rewrote the poa with the upstream's URL
    }

    @AfterEach
    void stop() {
        binding.stop(Duration.ofMillis(200));
        bus.close();
    }

    private HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> notifyHeaders(String rqi) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-M2M-Origin", "/id-in");
        h.put("X-M2M-RI", rqi);
        h.put("X-M2M-RVI", "3");
        h.put("Content-Type", "application/json");
        return h;
    }

    @Test
    void notifyToTheTokenUrlReachesTheBoundEntity() throws Exception {
        HttpResponse<String> r = post("/notify/" + token, notifyHeaders("n-1"),
                "{\"m2m:sgn\":{\"vrq\":true,\"sur\":\"/id-in/sub1\",\"cr\":\"Cbridgetest\"}}");
        assertEquals(200, r.statusCode());
        assertEquals("2000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("n-1", r.headers().firstValue("X-M2M-RI").orElse(null));
        assertEquals("3", r.headers().firstValue("X-M2M-RVI").orElse(null));
        assertEquals("", r.body());
        RequestPrimitive got = device.received.get(0);
        assertEquals(Operation.NOTIFY, got.op());
        assertEquals("Cbridgetest", got.to());
        assertEquals("/id-in", got.fr());
        assertEquals("/id-in/sub1", got.pc().path("m2m:sgn").path("sur").asText());
    }

    @Test
    void unknownTokenIs404With4004() throws Exception {
        HttpResponse<String> r = post("/notify/0000", notifyHeaders("n-2"), "{\"m2m:sgn\":{}}");
        assertEquals(404, r.statusCode());
        assertEquals("4004", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("n-2", r.headers().firstValue("X-M2M-RI").orElse(null));
        assertTrue(device.received.isEmpty());
    }

    @Test
    void registeredButOfflineEntityIs404With5103WhenNotStorable() throws Exception {
        bus.bus.unbind("Cbridgetest", device);
        Map<String, String> h = notifyHeaders("n-3");
        h.put("X-M2M-EC", "2"); // immediate: the bus does not store it for later delivery
        HttpResponse<String> r = post("/notify/" + token, h, "{\"m2m:sgn\":{}}");
        assertEquals(404, r.statusCode());
        assertEquals("5103", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertTrue(JSON.readTree(r.body()).path("m2m:dbg").asText().contains("not connected"), r.body());
    }

    @Test
    void offlineEntityStoredNotifyIsAnswered202With1000() throws Exception {
        bus.bus.unbind("Cbridgetest", device);
        HttpResponse<String> r = post("/notify/" + token, notifyHeaders("n-9"), "{\"m2m:sgn\":{}}");
        assertEquals(202, r.statusCode());
        assertEquals("1000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("n-9", r.headers().firstValue("X-M2M-RI").orElse(null));
    }

    @Test
    void tinyIotVerificationToTheSubscribedResourceReachesTheCreator() throws Exception {
        // tinyIoT posts the vrq to the subscribed resource's path, not to the notification URL (and without the
        // leading slash: see the tinyiot/http-notify-01.txt case of peerNotifiesAreAccepted, OriginFormRepair).
        HttpResponse<String> r = post("/TinyIoT/bridgetest/data", notifyHeaders("notify"),
                "{\"m2m:sgn\":{\"cr\":\"Cbridgetest\",\"sur\":\"TinyIoT/bridgetest/data/sub1\",\"vrq\":true}}");
        assertEquals(200, r.statusCode());
        assertEquals("2000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("Cbridgetest", device.received.get(0).to());
    }

    @Test
    void unsupportedContentTypeIs415() throws Exception {
        Map<String, String> h = notifyHeaders("n-4");
        h.put("Content-Type", "text/plain");
        HttpResponse<String> r = post("/notify/" + token, h, "hello");
        assertEquals(415, r.statusCode());
        assertEquals("4015", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("n-4", r.headers().firstValue("X-M2M-RI").orElse(null));
        assertTrue(device.received.isEmpty());
    }

    /**
     * TS-0009 6.4: X-M2M-Origin and X-M2M-RI are mandatory in every request from a CSE. Without one the CSE gets 400
     * + 4000 and nothing reaches the device: a valid notification sent afterwards is the only one it gets.
     */
    @ParameterizedTest
    @ValueSource(strings = {"X-M2M-Origin", "X-M2M-RI"})
    void aNotificationWithoutAMandatoryHeaderIs400With4000AndReachesNobody(String header) throws Exception {
        Map<String, String> h = notifyHeaders("bad-1");
        h.remove(header);
        double rejectedBefore = bus.metrics.rejectedRequests.labelValues("bad_request").get();
        HttpResponse<String> r = post("/notify/" + token, h, "{\"m2m:sgn\":{\"sur\":\"/id-in/bad\"}}");
        assertEquals(400, r.statusCode());
        assertEquals("4000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals(header.equals("X-M2M-RI") ? null : "bad-1", r.headers().firstValue("X-M2M-RI").orElse(null));
        assertTrue(JSON.readTree(r.body()).path("m2m:dbg").asText().contains(header), r.body());
        assertEquals(rejectedBefore + 1, bus.metrics.rejectedRequests.labelValues("bad_request").get());

        HttpResponse<String> ok = post("/notify/" + token, notifyHeaders("good-1"),
                "{\"m2m:sgn\":{\"sur\":\"/id-in/good\"}}");
        assertEquals(200, ok.statusCode());
        assertEquals(1, device.received.size(), "only the valid notification: " + device.received);
        assertEquals("good-1", device.received.get(0).rqi());
        assertEquals("/id-in", device.received.get(0).fr());
    }

    @Test
    void theErrorBodyIsInTheRequestsSerialization() throws Exception {
        Map<String, String> h = notifyHeaders("bad-2");
        h.remove("X-M2M-RI");
        h.put("Content-Type", "application/vnd.onem2m-ntfy+xml");
        HttpResponse<String> r = post("/notify/" + token, h,
                "<m2m:sgn xmlns:m2m=\"http://www.onem2m.org/xml/protocols\"><sur>/id-in/x</sur></m2m:sgn>");
        assertEquals(400, r.statusCode());
        assertEquals("4000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("application/xml", r.headers().firstValue("Content-Type").orElse(null));
        assertTrue(r.body().contains("X-M2M-RI"), r.body());
        assertTrue(device.received.isEmpty());
    }

    @Test
    void undecodableBodyIs400() throws Exception {
        HttpResponse<String> r = post("/notify/" + token, notifyHeaders("n-5"), "{\"m2m:sgn\":");
        assertEquals(400, r.statusCode());
        assertEquals("4000", r.headers().firstValue("X-M2M-RSC").orElse(null));
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        HttpResponse<String> r = post("/notify/" + token, notifyHeaders("n-6"),
                "{\"m2m:sgn\":{\"sur\":\"" + "x".repeat(5000) + "\"}}");
        assertEquals(413, r.statusCode());
        assertTrue(device.received.isEmpty());
    }

    @Test
    void plainOneM2mPathsUseTheReversePathRule() throws Exception {
        HttpResponse<String> r = post("/~/id-in/Cbridgetest", notifyHeaders("n-7"), "{\"m2m:sgn\":{}}");
        assertEquals(200, r.statusCode());
        assertEquals("/id-in/Cbridgetest", device.received.get(0).to());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve("/Cbridgetest?rcn=1&fu=2&lbl=a+b"))
                .header("X-M2M-Origin", "/id-in").header("X-M2M-RI", "g-1").timeout(Duration.ofSeconds(5)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, get.statusCode());
        RequestPrimitive retrieve = device.received.get(1);
        assertEquals(Operation.RETRIEVE, retrieve.op());
        assertEquals("Cbridgetest", retrieve.to());
        assertEquals(1, retrieve.rcn());
        assertEquals(2, retrieve.fc().get("fu").orElseThrow().intValue());
        assertEquals(JSON.readTree("[\"a\",\"b\"]"), retrieve.fc().get("lbl").orElseThrow());
        HttpResponse<String> absent = post("/_/test.example/id-in/Cnobody", notifyHeaders("n-8"), "{\"m2m:sgn\":{}}");
        assertEquals(404, absent.statusCode());
        assertEquals("4004", absent.headers().firstValue("X-M2M-RSC").orElse(null));
    }

    @Test
    void cborBodyIsDecodedAndTheAnswerFollowsAccept() throws Exception {
        byte[] cbor = new Codecs(CodecLimits.DEFAULT).get(Serialization.CBOR)
                .encodeContent(JSON.readTree("{\"m2m:sgn\":{\"sur\":\"/id-in/sub9\"}}"));
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/notify/" + token))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofByteArray(cbor));
        notifyHeaders("c-1").forEach(b::header);
        b.setHeader("Content-Type", "application/vnd.onem2m-ntfy+cbor");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("/id-in/sub9", device.received.get(0).pc().path("m2m:sgn").path("sur").asText());
    }

    /** The captured notifies of ACME, Mobius and tinyIoT, byte for byte, with the URL path pointed at the token. */
    @ParameterizedTest
    @ValueSource(strings = {"acme/http-notify-01-verification.txt", "acme/http-notify-02-cin-created.txt",
            "mobius/http-notify-01-cin-created.txt", "mobius/http-notify-02-cin-created.txt",
            "tinyiot/http-notify-01.txt", "tinyiot/http-notify-02.txt", "tinyiot/http-notify-03.txt",
            "tinyiot/http-notify-04.txt"})
    void peerNotifiesAreAccepted(String fixture) throws Exception {
        String text = Files.readString(FIXTURES.resolve(fixture), StandardCharsets.UTF_8);
        String request = text.substring(text.indexOf("=== REQUEST"), text.indexOf("=== RESPONSE"));
        request = request.substring(request.indexOf('\n') + 1);
        int headerEnd = request.indexOf("\r\n\r\n");
        String head = request.substring(0, headerEnd);
        String body = request.substring(headerEnd + 4);
        int length = Integer.parseInt(head.replaceAll("(?is).*content-length:\\s*(\\d+).*", "$1"));
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        // The nu in these captures was http://host/notify; the bridge's poa is /notify/<token>.
        head = head.replaceFirst("^POST /notify ", "POST /notify/" + token + " ");
        boolean tiny = fixture.startsWith("tinyiot");
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        wire.write(head.getBytes(StandardCharsets.UTF_8));
        wire.write("\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        wire.write(bodyBytes, 0, length);
        if (tiny) {
            wire.write("\r\n".getBytes(StandardCharsets.UTF_8)); // tinyIoT sends 2 bytes beyond Content-Length
        }
        String rqi = head.replaceAll("(?is).*x-m2m-ri:\\s*([^\\r\\n]+).*", "$1").trim();
        Map<String, String> answer = exchangeRaw(wire.toByteArray());
        assertEquals("200", answer.get(":status"), fixture + " -> " + answer);
        assertEquals("2000", answer.get("x-m2m-rsc"));
        assertEquals(rqi, answer.get("x-m2m-ri"));
        RequestPrimitive got = device.received.get(0);
        assertEquals(Operation.NOTIFY, got.op());
        assertEquals("Cbridgetest", got.to());
        assertFalse(got.pc().path("m2m:sgn").isMissingNode());
    }

    @Test
    void absoluteFormAndOriginFormRequestTargetsAreLeftAsTheyAre() throws Exception {
        String body = "{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}";
        for (String target : new String[] {"http://" + base.getHost() + ":" + base.getPort() + "/notify/" + token,
                "/notify/" + token}) {
            device.received.clear();
            String head = "POST " + target + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nX-M2M-Origin: /id-in\r\n"
                    + "X-M2M-RI: t-1\r\nX-M2M-RVI: 3\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\nConnection: close\r\n\r\n";
            Map<String, String> answer = exchangeRaw((head + body).getBytes(StandardCharsets.US_ASCII));
            assertEquals("200", answer.get(":status"), target + " -> " + answer);
            assertEquals("Cbridgetest", device.received.get(0).to(), target);
        }
    }

    /** Writes raw bytes and reads one HTTP/1.1 answer: {":status": code, lower-case header: value}. */
    private Map<String, String> exchangeRaw(byte[] bytes) throws Exception {
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                head.write(c);
            }
            Map<String, String> out2 = new LinkedHashMap<>();
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            out2.put(":status", lines[0].split(" ")[1]);
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    out2.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            return out2;
        }
    }

    @Test
    void boundListenerAndPoaBase() {
        assertEquals("http", base.getScheme());
        assertTrue(base.getPort() > 0);
        assertNull(binding.boundListeners().get("ws"));
    }
}
