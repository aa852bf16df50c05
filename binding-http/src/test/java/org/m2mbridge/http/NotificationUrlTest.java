package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.Listeners;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * Targets through an entity's notification URL over the real inbound listener (TS-0009 6.2.2.1):
 * {@code <notificationPath>/<token>[/rest][?query]} keeps the target the rest names ({@link NotificationTarget}) and
 * the query its parameters, so an IN-CSE reaches resources below an MN-CSE registered through the bridge.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NotificationUrlTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestBus bus;
    private HttpBinding binding;
    private InboundHttpTest.AnsweringLink mn;
    private String token;
    private URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        bus = new TestBus(Duration.ofSeconds(5), new ScriptedUpstream("in-cse", "/id-in"));
        BridgeConfig config = HandBuiltConfig.of(new ListenerConfig("127.0.0.1", 0, null), null, null, null);
        binding = new HttpBinding();
        binding.start(new BridgeContext(config, bus.bus, new Codecs(CodecLimits.DEFAULT), bus.metrics, bus.timer));
        base = binding.boundListeners().get("http");
        mn = new InboundHttpTest.AnsweringLink();
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("/id-in/cse-in").fr("/id-mn")
                .rqi("reg-1").rvi("4").ty(16).pc(JSON.readTree("{\"m2m:csr\":{\"rn\":\"id-mn\",\"csi\":\"/id-mn\","
                        + "\"cb\":\"/id-mn/cse-mn\",\"rr\":true,\"poa\":[\"http://10.0.0.7:8081\"]}}")).build();
        assertEquals(2001, bus.bus.send(create, Ingress.downstream(mn)).get(5, TimeUnit.SECONDS).rsc());
        token = bus.registry.byEntityId("/id-mn").orElseThrow().token();
    }

    @AfterEach
    void stop() {
        binding.stop(Duration.ofMillis(200));
        bus.close();
    }

    private RequestPrimitive retrieve(String pathAndQuery, String rqi) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "/id-in").header("X-M2M-RI", rqi)
                .header("X-M2M-RVI", "4").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(rqi, r.headers().firstValue("X-M2M-RI").orElse(null));
        RequestPrimitive got = mn.received.get(mn.received.size() - 1);
        assertEquals(rqi, got.rqi());
        assertEquals(Operation.RETRIEVE, got.op());
        return got;
    }

    @Test
    void theInReachesResourcesBelowTheMnThroughItsNotificationUrlWithQueryParameters() throws Exception {
        assertEquals("/id-mn/cse-mn/ae1", retrieve("/notify/" + token + "/~/id-mn/cse-mn/ae1", "r-1").to());
        assertEquals("//sp.example/id-mn/cse-mn/ae1",
                retrieve("/notify/" + token + "/_/sp.example/id-mn/cse-mn/ae1", "r-2").to());
        assertEquals("/id-mn/cse-mn/ae1", retrieve("/notify/" + token + "/cse-mn/ae1", "r-3").to());
        assertEquals("/id-mn", retrieve("/notify/" + token, "r-4").to());

        RequestPrimitive withQuery = retrieve("/notify/" + token + "/~/id-mn/cse-mn/ae1?rcn=1&lim=5", "r-5");
        assertEquals("/id-mn/cse-mn/ae1", withQuery.to());
        assertEquals(1, withQuery.rcn());
        RequestPrimitive partial = retrieve("/notify/" + token + "/~/id-mn/cse-mn/ae1?atrl=lbl", "r-6");
        assertEquals("/id-mn/cse-mn/ae1#lbl", partial.to());
    }

    @Test
    void aTokenWithoutTargetAfterTheMarkerIs4000() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/notify/" + token + "/~"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "/id-in").header("X-M2M-RI", "r-7")
                .header("X-M2M-RVI", "4").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("4000", r.headers().firstValue("X-M2M-RSC").orElse(null));
        assertTrue(mn.received.isEmpty(), mn.received.toString());
    }
}
