package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.demo.DemoAeResult;

/**
 * Demo mode end to end, in-process through Main's code path with the shipped {@code config/demo.yaml}: the demo AE
 * goes over a real WebSocket to the bridge, the bridge over real HTTP to the demo CSE, and the CSE's notification
 * comes back down the AE's own socket.
 */
@Timeout(90)
class DemoModeTest {

    @Test
    void demoAeRegistersSubscribesAndIsNotifiedOnItsOwnWebSocket() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Main.Launch launch = Main.launch(
                new String[] {"--config", ConfigFilesTest.CONFIG.resolve("demo.yaml").toString()}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, launch.exitCode(), err.toString(StandardCharsets.UTF_8));
        try (RunningBridge running = launch.running()) {
            DemoAeResult result = (DemoAeResult) running.demoAe().orElseThrow().get(60, TimeUnit.SECONDS);
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(result.success(), printed);
            assertEquals(2001, result.rscOf("CREATE <AE>"), printed);
            assertTrue(printed.contains("notification received on my own WebSocket"), printed);
            assertTrue(result.notification().isPresent());

            // The bridge saw the registration: the entity is listed with its upstream in the status API.
            URI admin = running.bridge().listeners().get("admin");
            JsonNode status = StatusReport.JSON.readTree(AdminClient.get(admin, "/api/status").body());
            assertEquals("demo-cse", status.at("/upstreams/0/name").asText());
            assertTrue(status.at("/upstreams/0/reachable").asBoolean(), status.toString());
            String metrics = AdminClient.get(admin, "/metrics").body();
            assertTrue(metrics.contains(
                    "m2mbridge_upstream_request_duration_seconds_count{op=\"create\",upstream=\"demo-cse\"}"),
                    "upstream round trips are measured per upstream and op");
        }
    }
}
