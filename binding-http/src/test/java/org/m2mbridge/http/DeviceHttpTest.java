package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.RefusingPort;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.Listeners;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * The device-facing HTTP listener (listeners.deviceHttp) and {@link HttpDeviceLink}: a device speaking TS-0009 to
 * the bridge as to its registrar, and requests from upstream going back to the device's own poa.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the device's own HTTP server got. */
    record Received(String method, String path, Map<String, List<String>> headers, JsonNode body) {
    }

    private final ScriptedUpstream cse = new ScriptedUpstream("in-cse", "/id-in");
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<Received> atDevice = new LinkedBlockingQueue<>();
    private final CountDownLatch releaseSlowDevice = new CountDownLatch(1);
    private final ExecutorService deviceThreads = Executors.newCachedThreadPool();
    private TestBus bus;
    private HttpBinding binding;
    private URI base;
    private HttpServer device;
    private String poa;

    @BeforeEach
    void start() throws Exception {
        bus = new TestBus(Duration.ofSeconds(5), cse);
        BridgeConfig config = HandBuiltConfig.of(null, new ListenerConfig("127.0.0.1", 0, null),
                new LimitsConfig(4096, null, null, null), null);
        binding = new HttpBinding();
        binding.start(new BridgeContext(config, bus.bus, codecs, bus.metrics, bus.timer));
        base = binding.boundListeners().get("deviceHttp");
        device = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        device.setExecutor(deviceThreads);
        device.createContext("/n", this::answer2000);
        device.createContext("/slow", ex -> {
            try {
                releaseSlowDevice.await(30, TimeUnit.SECONDS); // released at the end of each test
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer2000(ex);
        });
        device.start();
        poa = "http://127.0.0.1:" + device.getAddress().getPort() + "/n";
    }

    private void answer2000(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        atDevice.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(), ex.getRequestHeaders(),
                body.length == 0 ? null : JSON.readTree(body)));
        ex.getResponseHeaders().add("X-M2M-RSC", "2000");
        ex.getResponseHeaders().add("X-M2M-RI", ex.getRequestHeaders().getFirst("X-M2M-RI"));
        ex.sendResponseHeaders(200, -1);
        ex.close();
    }

    @AfterEach
    void stop() {
        releaseSlowDevice.countDown();
        binding.stop(Duration.ofMillis(200));
        device.stop(0);
        deviceThreads.shutdownNow();
        bus.close();
    }

    private HttpResponse<String> register(String originator, String rqi, String aeJson) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve("/~/id-in")).timeout(Duration.ofSeconds(5))
                .header("X-M2M-Origin", originator).header("X-M2M-RI", rqi).header("X-M2M-RVI", "3")
                .header("Content-Type", "application/json;ty=2")
                .POST(HttpRequest.BodyPublishers.ofString(aeJson)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private ResponsePrimitive notifyFromCse(String to, String rqi) throws Exception {
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi)
                .rvi("3").pc(JSON.readTree("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\",\"nev\":{\"net\":3}}}")).build();
        return bus.bus.send(notify, Ingress.upstream("test", "cse")).get(10, TimeUnit.SECONDS);
    }

    @Test
    void registrationWithAnHttpPoaIsBoundAndANotifyIsPostedToThatPoa() throws Exception {
        HttpResponse<String> r = register("Cdev1", "reg-1",
                "{\"m2m:ae\":{\"rn\":\"dev1\",\"api\":\"Nx\",\"rr\":true,\"poa\":[\"" + poa + "\"]}}");
        assertEquals(201, r.statusCode(), r.body());
        assertEquals("2001", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("reg-1", r.headers().firstValue("X-M2M-RI").orElse(null));
        // the CSE got the bridge's poa; the device sees its own again
        RequestPrimitive atCse = cse.received.get(0);
        assertEquals(Operation.CREATE, atCse.op());
        assertEquals("/id-in", atCse.to());
        assertEquals("Cdev1", atCse.fr());
        assertTrue(atCse.pc().at("/m2m:ae/poa/0").asText().startsWith("http://bridge.test/notify/"), atCse.pc().toString());
        assertEquals(poa, JSON.readTree(r.body()).at("/m2m:ae/poa/0").asText());
        assertEquals(HttpDeviceLink.ID, bus.bus.boundLink("Cdev1").orElseThrow().id());

        ResponsePrimitive answer = notifyFromCse("Cdev1", "ntfy-1");
        assertEquals(2000, answer.rsc());
        Received got = atDevice.poll(5, TimeUnit.SECONDS);
        assertNotNull(got);
        assertEquals("POST", got.method());
        assertEquals("/n", got.path());
        assertEquals("/id-in", got.headers().get("X-m2m-origin").get(0));
        assertEquals("ntfy-1", got.headers().get("X-m2m-ri").get(0));
        assertEquals("/id-in/sub1", got.body().at("/m2m:sgn/sur").asText());
    }

    @Test
    void otherRequestsAreMappedAndForwardedUpstreamWithTheirAnswerMappedBack() throws Exception {
        bus.registry.put(new Registration("Cdev1", Registration.Kind.AE, "in-cse", "tok1", "dev1", "Cdev1",
                List.of(poa), Instant.now()));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in/dev1/data?rcn=1"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cdev1").header("X-M2M-RI", "get-1")
                .header("X-M2M-RVI", "3").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals("2000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("get-1", r.headers().firstValue("X-M2M-RI").orElse(null));
        RequestPrimitive atCse = cse.received.get(0);
        assertEquals(Operation.RETRIEVE, atCse.op());
        assertEquals("/id-in/dev1/data", atCse.to());
        assertEquals(1, atCse.rcn());
    }

    @Test
    void anOriginatorNotRegisteredYetMayOnlyReachItsOwnRegistrationResource() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in/dev1/data"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cnew").header("X-M2M-RI", "get-9")
                .header("X-M2M-RVI", "3").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("4103", refused.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("get-9", refused.headers().firstValue("X-M2M-RI").orElse(null));
        assertTrue(refused.body().contains("register (CREATE <AE>) first"), refused.body());
        assertTrue(cse.received.isEmpty(), "a refused request never reaches the CSE");

        HttpResponse<String> own = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in/cse-in/Cnew"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cnew").header("X-M2M-RI", "del-9")
                .header("X-M2M-RVI", "3").DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, own.statusCode(), own.body());
        assertEquals(Operation.DELETE, cse.received.get(0).op());
        assertEquals("/id-in/cse-in/Cnew", cse.received.get(0).to());
    }

    @Test
    void registrationWithoutAnHttpPoaIsNotBound() throws Exception {
        HttpResponse<String> r = register("Cdev2", "reg-2",
                "{\"m2m:ae\":{\"rn\":\"dev2\",\"api\":\"Nx\",\"rr\":false,\"poa\":[\"mqtt://broker/x\"]}}");
        assertEquals(201, r.statusCode(), r.body());
        assertTrue(bus.registry.byEntityId("Cdev2").isPresent());
        assertTrue(bus.bus.boundLink("Cdev2").isEmpty());
    }

    @Test
    void aRegisteredButUnboundDeviceIsReboundByItsNextRequestAndGetsWhatWasStored() throws Exception {
        // as after a restart: the durable registry knows the entity, no link carries it
        bus.registry.put(new Registration("Cdev3", Registration.Kind.AE, "in-cse", "tok3", "dev3", "Cdev3",
                List.of(poa), Instant.now()));
        var stored = bus.bus.send(RequestPrimitive.builder().op(Operation.NOTIFY).to("Cdev3").fr("/id-in")
                .rqi("ntfy-stored").rvi("3").pc(JSON.readTree("{\"m2m:sgn\":{\"sur\":\"/id-in/sub3\"}}")).build(),
                Ingress.upstream("test", "cse"));
        assertFalse(stored.isDone() && stored.get().rsc() == 2000, "nothing can deliver it yet");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in/dev3"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cdev3").header("X-M2M-RI", "get-3")
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(HttpDeviceLink.ID, bus.bus.boundLink("Cdev3").orElseThrow().id());
        Received got = atDevice.poll(10, TimeUnit.SECONDS);
        assertNotNull(got, "the stored notification was flushed to the device's poa");
        assertEquals("/id-in/sub3", got.body().at("/m2m:sgn/sur").asText());
    }

    @Test
    void badRequestsAre4000WithTheirRequestIdentifierAndNothingGoesUpstream() throws Exception {
        HttpResponse<String> noRqi = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cdev4").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noRqi.statusCode());
        assertEquals("4000", noRqi.headers().firstValue("X-M2M-RSC").orElse(null));
        HttpResponse<String> badBody = register("Cdev4", "bad-1", "{\"m2m:ae\":");
        assertEquals(400, badBody.statusCode());
        assertEquals("4000", badBody.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("bad-1", badBody.headers().firstValue("X-M2M-RI").orElse(null));
        HttpResponse<String> tooBig = register("Cdev4", "big-1",
                "{\"m2m:ae\":{\"rn\":\"" + "x".repeat(5000) + "\"}}");
        assertEquals(413, tooBig.statusCode());
        assertTrue(cse.received.isEmpty(), cse.received.toString());
    }

    @Test
    void aDeviceRequestWithoutOriginIs4000ButAnAeRegistrationMayOmitIt() throws Exception {
        HttpResponse<String> noOrigin = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in/dev5"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-RI", "get-5").header("X-M2M-RVI", "3").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noOrigin.statusCode());
        assertEquals("4000", noOrigin.headers().firstValue("X-M2M-RSC").orElse(null));
        assertEquals("get-5", noOrigin.headers().firstValue("X-M2M-RI").orElse(null));
        assertTrue(cse.received.isEmpty(), "nothing forwarded: " + cse.received);
        assertEquals(1.0, bus.metrics.rejectedRequests.labelValues("bad_request").get());
        // TS-0004 7.2.1.1: From may be absent in a CREATE <AE> only; the registrar assigns the AE-ID
        HttpResponse<String> registration = http.send(HttpRequest.newBuilder(base.resolve("/~/id-in"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-RI", "reg-5").header("X-M2M-RVI", "3")
                .header("Content-Type", "application/json;ty=2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"m2m:ae\":{\"rn\":\"dev5\",\"api\":\"Nx\","
                        + "\"rr\":false}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, registration.statusCode(), registration.body());
        assertEquals(1, cse.received.size());
        assertEquals(null, cse.received.get(0).fr());
    }

    @Test
    void aDeviceThatCannotBeReachedIs5103AndOneThatDoesNotAnswerInTimeIs4008() throws Exception {
        try (RefusingPort refusing = new RefusingPort()) {
            deliversToUnreachableAndSlowDevices(refusing.port());
        }
    }

    private void deliversToUnreachableAndSlowDevices(int closed) throws Exception {
        String slow = "http://127.0.0.1:" + device.getAddress().getPort() + "/slow";
        bus.registry.put(new Registration("Cdown", Registration.Kind.AE, "in-cse", "t1", "down", "Cdown",
                List.of("http://127.0.0.1:" + closed + "/n"), Instant.now()));
        bus.registry.put(new Registration("Cslow", Registration.Kind.AE, "in-cse", "t2", "slow", "Cslow",
                List.of(slow), Instant.now()));
        try (HttpRequestSender sender = new HttpRequestSender(HttpUpstreamSettings.DEFAULTS, bus.timer, 4096)) {
            sender.start();
            HttpDeviceLink link = new HttpDeviceLink(bus.bus, sender, codecs, bus.metrics, Clock.systemUTC());
            RequestPrimitive.Builder notify = RequestPrimitive.builder().op(Operation.NOTIFY).fr("/id-in").rvi("3")
                    .pc(JSON.readTree("{\"m2m:sgn\":{}}"));
            ResponsePrimitive down = link.deliver(notify.to("Cdown").rqi("d-1").build(),
                    Instant.now().plusSeconds(5)).get(10, TimeUnit.SECONDS);
            assertEquals(5103, down.rsc());
            assertFalse(down.pc().toString().contains(String.valueOf(closed)), "no private URL goes upstream");
            long t0 = System.nanoTime();
            ResponsePrimitive late = link.deliver(notify.to("Cslow").rqi("s-1").build(),
                    Instant.now().plusMillis(300)).get(20, TimeUnit.SECONDS);
            assertEquals(4008, late.rsc());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10),
                    "bounded by the 300 ms deadline, not by the device's answer at 30 s");
            ResponsePrimitive unknown = link.deliver(notify.to("Cnobody").rqi("u-1").build(),
                    Instant.now().plusSeconds(5)).get(10, TimeUnit.SECONDS);
            assertEquals(5103, unknown.rsc());
        }
    }

    @Test
    void aFrozenDeviceIs4008ForEveryRequestEvenThoseWaitingForAPooledConnection() throws Exception {
        // SIGSTOP-like: the kernel completes the TCP handshakes (backlog), nobody reads or answers
        try (ServerSocket frozen = new ServerSocket(0, 16, java.net.InetAddress.getByName("127.0.0.1"));
             HttpRequestSender sender = new HttpRequestSender(new HttpUpstreamSettings(2, null, null, null, null,
                     null, null, null, null), bus.timer, 4096)) {
            bus.registry.put(new Registration("Cfrozen", Registration.Kind.AE, "in-cse", "t3", "frozen",
                    "Cfrozen", List.of("http://127.0.0.1:" + frozen.getLocalPort() + "/n"), Instant.now()));
            sender.start();
            HttpDeviceLink link = new HttpDeviceLink(bus.bus, sender, codecs, bus.metrics, Clock.systemUTC());
            // what lets the bus leave out its own guard timer: the link ends every delivery by its deadline itself
            assertTrue(link.completesByDeadline());
            Instant deadline = Instant.now().plusMillis(800);
            List<java.util.concurrent.CompletableFuture<ResponsePrimitive>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(link.deliver(RequestPrimitive.builder().op(Operation.NOTIFY).to("Cfrozen").fr("/id-in")
                        .rqi("f-" + i).rvi("3").pc(JSON.readTree("{\"m2m:sgn\":{}}")).build(), deadline));
            }
            for (int i = 0; i < 50; i++) {
                ResponsePrimitive r = answers.get(i).get(10, TimeUnit.SECONDS);
                assertEquals(4008, r.rsc(), "request " + i + " (2 pooled connections, 48 waiting): " + r);
                assertEquals("f-" + i, r.rqi());
            }
        }
    }
}
