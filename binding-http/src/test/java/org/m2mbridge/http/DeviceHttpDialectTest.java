package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/** {@code listeners.deviceHttp.dialect}: a device's request is repaired before it goes upstream (issue 15). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceHttpDialectTest {
    private final ScriptedUpstream cse = new ScriptedUpstream("in-cse", "/id-in");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestBus bus;
    private HttpBinding binding;

    @AfterEach
    void stop() {
        binding.stop(Duration.ofMillis(200));
        bus.close();
    }

    @Test
    void aRegistrationWithoutRviAndSrvReachesTheCseWithTheDialectsDefaults() throws Exception {
        BridgeConfig config = ConfigLoader.parse("""
                listeners:
                  deviceHttp: { port: 0, dialect: { defaultRvi: "2a", defaultSrv: ["2a"] } }
                """);
        bus = new TestBus(Duration.ofSeconds(5), cse);
        binding = new HttpBinding();
        binding.start(new BridgeContext(config, bus.bus, new Codecs(CodecLimits.DEFAULT), bus.metrics, bus.timer));
        URI base = binding.boundListeners().get("deviceHttp");

        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/cse-in"))
                .timeout(Duration.ofSeconds(5)).header("X-M2M-Origin", "Cthyme").header("X-M2M-RI", "reg-1")
                .header("Content-Type", "application/json;ty=2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"m2m:ae\":{\"rn\":\"thyme\",\"api\":\"Nthyme\","
                        + "\"rr\":true}}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), r.body());
        RequestPrimitive atCse = cse.received.get(0);
        assertEquals("2a", atCse.rvi());
        assertEquals("[\"2a\"]", atCse.pc().path("m2m:ae").path("srv").toString());
        assertEquals("cse-in", atCse.to());
    }
}
