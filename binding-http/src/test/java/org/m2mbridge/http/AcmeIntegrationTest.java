package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Against a real ACME-oneM2M-CSE (optional): set {@code M2M_ACME_URL} (e.g. {@code http://127.0.0.1:8080}), and if
 * needed {@code M2M_ACME_CSE_ID} (default {@code /id-in}) and {@code M2M_ACME_CSE_RN} (default {@code cse-in}).
 */
@EnabledIfEnvironmentVariable(named = "M2M_ACME_URL", matches = "https?://.+",
        disabledReason = "opt-in: M2M_ACME_URL (a running ACME CSE) is not set")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AcmeIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @Test
    void registerCreateRetrieveDeleteThroughHttpUpstream() throws Exception {
        String rn = env("M2M_ACME_CSE_RN", "cse-in");
        String aeName = "bridgeit" + Long.toHexString(System.nanoTime());
        String originator = "C" + aeName;
        try (UpstreamHarness h = new UpstreamHarness(System.getenv("M2M_ACME_URL"), "json",
                HttpUpstreamSettings.DEFAULTS)) {
            Duration t = Duration.ofSeconds(10);
            ResponsePrimitive ae = h.send(RequestPrimitive.builder().op(Operation.CREATE).to(rn).fr(originator)
                    .rqi("it-1").rvi("3").ty(2).pc(JSON.readTree("{\"m2m:ae\":{\"rn\":\"" + aeName
                            + "\",\"api\":\"Nbridge\",\"rr\":true,\"srv\":[\"3\"],\"poa\":[\"http://127.0.0.1:9/notify/x\"]}}"))
                    .build(), t);
            assertEquals(2001, ae.rsc(), String.valueOf(ae.pc()));
            String aei = ae.pc().path("m2m:ae").path("aei").asText(originator);
            ResponsePrimitive cnt = h.send(RequestPrimitive.builder().op(Operation.CREATE).to(rn + "/" + aeName)
                    .fr(aei).rqi("it-2").rvi("3").ty(3).pc(JSON.readTree("{\"m2m:cnt\":{\"rn\":\"data\"}}")).build(), t);
            assertEquals(2001, cnt.rsc(), String.valueOf(cnt.pc()));
            ResponsePrimitive got = h.send(RequestPrimitive.builder().op(Operation.RETRIEVE)
                    .to(env("M2M_ACME_CSE_ID", "/id-in") + "/" + rn + "/" + aeName + "/data").fr(aei).rqi("it-3")
                    .rvi("3").build(), t);
            assertEquals(2000, got.rsc(), String.valueOf(got.pc()));
            assertEquals("data", got.pc().path("m2m:cnt").path("rn").asText());
            ResponsePrimitive deleted = h.send(RequestPrimitive.builder().op(Operation.DELETE).to(rn + "/" + aeName)
                    .fr(aei).rqi("it-4").rvi("3").build(), t);
            assertEquals(2002, deleted.rsc(), String.valueOf(deleted.pc()));
        }
    }
}
