package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
import org.m2mbridge.http.config.HttpSettings;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.Listeners;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.SlowClients;
import org.m2mbridge.core.testing.TestBus;

/**
 * Slowloris against both listeners of the HTTP binding (issue 14 item 2): connections trickling a request head one
 * byte at a time are cut within {@code http.headerTimeout}, while a well-behaved client keeps being served through
 * the same listener at the same time: a CSE's notifications on {@code listeners.http}, a device's requests on
 * {@code listeners.deviceHttp}. The hostile connections come from 127.0.0.2, the good client from 127.0.0.1.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerSlowlorisTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a busy 2-core machine; still far below the idle timeout a trickler would otherwise meet. */
    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final int SLOW_CONNECTIONS = 30;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TestBus bus;
    private HttpBinding binding;
    private InboundHttpTest.AnsweringLink device;
    private String token;

    @BeforeEach
    void start() throws Exception {
        bus = new TestBus(Duration.ofSeconds(5), new ScriptedUpstream("in-cse", "/id-in"));
        ListenerConfig any = new ListenerConfig("127.0.0.1", 0, null);
        BridgeConfig config = HandBuiltConfig.of(any, any, new LimitsConfig(4096, null, null, null),
                new HttpSettings(null, null, HEADER_TIMEOUT, Duration.ofSeconds(30), 200, 100));
        binding = new HttpBinding();
        binding.start(new BridgeContext(config, bus.bus, new Codecs(CodecLimits.DEFAULT), bus.metrics, bus.timer));
        device = new InboundHttpTest.AnsweringLink();
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("/id-in").fr("Cbridgetest")
                .rqi("reg-1").rvi("3").ty(2)
                .pc(JSON.readTree("{\"m2m:ae\":{\"rn\":\"bridgetest\",\"api\":\"Nx\",\"rr\":false}}")).build();
        assertEquals(2001, bus.bus.send(create, Ingress.downstream(device)).get(5, TimeUnit.SECONDS).rsc());
        token = bus.registry.byEntityId("Cbridgetest").orElseThrow().token();
    }

    @AfterEach
    void stop() {
        binding.stop(Duration.ofMillis(200));
        bus.close();
    }

    private static InetSocketAddress address(URI listener) {
        return new InetSocketAddress(listener.getHost(), listener.getPort());
    }

    /**
     * Opens the slow connections against {@code listener}, sends {@code request} through the same listener from
     * 127.0.0.1 until every slow connection is closed (or the timeout plus margin passed), each answered
     * {@code rsc}; returns how many were answered.
     */
    private int slowlorisWhile(String listener, HttpRequest request, String rsc) throws Exception {
        int served = 0;
        try (SlowClients slow = SlowClients.open(InetAddress.getByName("127.0.0.2"),
                address(binding.boundListeners().get(listener)), SLOW_CONNECTIONS, SlowClients.Mode.TRICKLE,
                Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + HEADER_TIMEOUT.plus(MARGIN).toNanos();
            while (slow.stillOpen() > 0 && System.nanoTime() < deadline) {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(rsc, r.headers().firstValue("X-M2M-RSC").orElse(null), r.body());
                served++;
            }
            assertEquals(0, slow.stillOpen(), "slow connections still open after headerTimeout + margin");
            assertTrue(slow.longestLife().compareTo(HEADER_TIMEOUT.plus(MARGIN)) <= 0, slow.longestLife().toString());
            assertTrue(slow.shortestLife().compareTo(HEADER_TIMEOUT.minusMillis(100)) >= 0,
                    "cut by the header timeout, not refused: " + slow.shortestLife());
        }
        assertTrue(served > 0, "the well-behaved client was served while the slow connections were open");
        assertEquals(SLOW_CONNECTIONS, bus.metrics.listenerRefusals.labelValues(listener, "header_timeout").get());
        return served;
    }

    @Test
    void slowlorisOnTheNotificationListenerIsCutWhileNotificationsFlow() throws Exception {
        HttpRequest notify = HttpRequest.newBuilder(binding.boundListeners().get("http").resolve("/notify/" + token))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "/id-in").header("X-M2M-RI", "n")
                .header("X-M2M-RVI", "3").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}")).build();
        int served = slowlorisWhile("http", notify, "2000");
        assertEquals(served, device.received.size(), "every notification reached the device");
    }

    @Test
    void slowlorisOnTheDeviceListenerIsCutWhileDeviceRequestsFlow() throws Exception {
        HttpRequest retrieve = HttpRequest.newBuilder(binding.boundListeners().get("deviceHttp")
                        .resolve("/~/id-in")).timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cbridgetest")
                .header("X-M2M-RI", "r").header("X-M2M-RVI", "3").GET().build();
        slowlorisWhile("deviceHttp", retrieve, "2000");
    }
}
