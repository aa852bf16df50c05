package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.DemoAeResult;
import org.m2mbridge.demo.DemoCse;

/**
 * Issue 16.6: the operator's store commands. On a running bridge through the admin API (token-protected), on a
 * stopped one through {@code m2m-bridge store ...} on the same file, refused in one line while the bridge holds the
 * store; and {@code --demo} never writes the production store. Real sockets, real store files.
 */
@Timeout(120)
class StoreAdministrationTest {
    private static final String TOKEN = "store-admin-token-0123456789";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private final DemoCseOverHttp cse = new DemoCseOverHttp();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stopCse() {
        cse.close();
    }

    private Map<String, String> env() {
        return Map.of("M2MBRIDGE_DATA_DIR", dir.resolve("data").toString());
    }

    private Main.Launch launch(String... args) {
        out.reset();
        err.reset();
        return Main.launch(args, env(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path config() throws Exception {
        return Files.writeString(dir.resolve("bridge.yaml"), """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:%d", cseId: /id-in }
                routes: { default: in-cse }
                timeouts: { shutdownGrace: 1s }
                store: { holdFor: 0s }
                admin: { token: %s }
                """.formatted(cse.port(), TOKEN));
    }

    private static HttpResponse<String> admin(URI base, String method, String path, boolean token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token) {
            b.header("Authorization", "Bearer " + TOKEN);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        return StatusReport.JSON.readTree(r.body());
    }

    /** Registers {@code ae} with a subscription to its own container, then leaves: notifications get stored. */
    private static void registerAndLeave(URI ws, String ae) throws Exception {
        try (WsTestClient device = new WsTestClient(ws, ae)) {
            ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
            create.putObject("pc").putObject("m2m:ae").put("rn", ae).put("api", "N" + ae).put("rr", true);
            assertEquals(2001, device.request(create).path("rsc").asInt());
            ObjectNode cnt = WsTestClient.primitive(1, "cse-in/" + ae).put("ty", 3);
            cnt.putObject("pc").putObject("m2m:cnt").put("rn", "data");
            assertEquals(2001, device.request(cnt).path("rsc").asInt());
            ObjectNode sub = WsTestClient.primitive(1, "cse-in/" + ae + "/data").put("ty", 23);
            ObjectNode s = sub.putObject("pc").putObject("m2m:sub").put("rn", "sub");
            s.putArray("nu").add(ae);
            s.putObject("enc").putArray("net").add(3);
            assertEquals(2001, device.request(sub).path("rsc").asInt());
        }
    }

    /** The CSE creates a content instance under {@code ae}'s container: one NOTIFY for the (absent) device. */
    private void notifyWhileAway(String ae, String con) throws Exception {
        RequestPrimitive cin = RequestPrimitive.builder().op(Operation.CREATE).to("cse-in/" + ae + "/data")
                .fr(DemoCse.ADMIN_ORIGINATOR).rqi("admin-" + con).rvi("3").ty(4)
                .pc(WsTestClient.JSON.readTree("{\"m2m:cin\":{\"con\":\"" + con + "\"}}")).build();
        assertEquals(2001, cse.cse.handle(cin).get(10, TimeUnit.SECONDS).rsc());
    }

    @Test
    void registrationsAndQueuesOnARunningBridgeThroughTheAdminApiThenOnTheStoppedStore() throws Exception {
        Path config = config();
        Main.Launch started = launch("--config", config.toString());
        assertEquals(Main.OK, started.exitCode(), err.toString(StandardCharsets.UTF_8));
        try (RunningBridge running = started.running()) {
            URI admin = running.bridge().listeners().get("admin");
            URI ws = running.bridge().listeners().get("ws");
            registerAndLeave(ws, "Ckeep");
            registerAndLeave(ws, "Cdrop");
            notifyWhileAway("Ckeep", "one");
            assertTrue(Await.within(Duration.ofSeconds(10), () -> cse.notifyAnswers.stream()
                    .anyMatch(a -> a.rsc() == 1000)), "stored: " + cse.notifyAnswers);

            assertEquals(401, admin(admin, "GET", "/api/registrations", false).statusCode(), "token required");
            JsonNode regs = json(admin(admin, "GET", "/api/registrations", true)).path("registrations");
            assertEquals(2, regs.size(), regs.toString());
            assertEquals("Cdrop", regs.get(0).path("entityId").asText());
            assertEquals(1, regs.get(1).path("stored").asInt(), regs.toString());
            JsonNode stored = json(admin(admin, "GET", "/api/stored", true)).path("stored");
            assertEquals("Ckeep", stored.get(0).path("entityId").asText(), stored.toString());
            assertEquals("notify", stored.get(0).at("/oldest/op").asText(), stored.toString());

            // While the bridge runs it holds the store: the command refuses in one line and points to the API.
            Main.Launch locked = launch("store", "registrations", "--config", config.toString());
            assertEquals(Main.START_FAILED, locked.exitCode());
            String refusal = err.toString(StandardCharsets.UTF_8);
            assertTrue(refusal.contains("is in use by a running bridge") && refusal.contains("/api/registrations"),
                    refusal);
            assertEquals(1, refusal.lines().count(), refusal);

            assertEquals(1, json(admin(admin, "DELETE", "/api/registrations/Ckeep/queue", true)).path("purged").asInt());
            assertEquals(0, json(admin(admin, "GET", "/api/stored", true)).path("stored").size());
            assertEquals("Cdrop", json(admin(admin, "DELETE", "/api/registrations/Cdrop", true)).path("removed")
                    .asText());
            assertEquals(404, admin(admin, "DELETE", "/api/registrations/Cdrop", true).statusCode());
            notifyWhileAway("Ckeep", "two");
            assertTrue(Await.within(Duration.ofSeconds(10), () -> cse.notifyAnswers.stream()
                    .filter(a -> a.rsc() == 1000).count() == 2), "stored again: " + cse.notifyAnswers);
        }

        // Stopped: the same store through the command line.
        assertEquals(Main.OK, launch("store", "registrations", "--config", config.toString()).exitCode(),
                err.toString(StandardCharsets.UTF_8));
        String listed = out.toString(StandardCharsets.UTF_8);
        assertTrue(listed.matches("(?s)ENTITY +KIND +UPSTREAM.*\\nCkeep +AE +in-cse .* 1 +\\d+\\n1 registrations\\n"),
                listed);
        assertEquals(Main.OK, launch("store", "queues", "--config", config.toString()).exitCode());
        assertTrue(out.toString(StandardCharsets.UTF_8).matches("(?s).*\\nCkeep +yes +1 +\\d+ +\\S+ +notify .*"),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(Main.OK, launch("store", "purge", "Ckeep", "--config", config.toString()).exitCode());
        assertEquals("purged 1 stored requests of Ckeep\n", out.toString(StandardCharsets.UTF_8));
        assertEquals(Main.OK, launch("store", "remove", "Ckeep", "--config", config.toString()).exitCode());
        assertEquals(Main.START_FAILED, launch("store", "remove", "Ckeep", "--config", config.toString()).exitCode());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no registration of 'Ckeep'"));
        assertEquals(Main.OK, launch("store", "registrations", "--config", config.toString()).exitCode());
        assertTrue(out.toString(StandardCharsets.UTF_8).endsWith("0 registrations\n"), out.toString(StandardCharsets.UTF_8));
    }

    /** Issue 16.6: the demo's AE registered into the production store and showed up as offline after a restart. */
    @Test
    void theDemoNeverWritesTheProductionStore() throws Exception {
        Main.Launch demo = launch("--demo", "--config", config().toString());
        assertEquals(Main.OK, demo.exitCode(), err.toString(StandardCharsets.UTF_8));
        try (RunningBridge running = demo.running()) {
            DemoAeResult result = (DemoAeResult) running.demoAe().orElseThrow().get(60, TimeUnit.SECONDS);
            assertTrue(result.success(), out.toString(StandardCharsets.UTF_8));
            assertEquals(2001, result.rscOf("CREATE <AE>"));
        }
        assertFalse(Files.exists(dir.resolve("data")), "nothing in the data directory");
    }
}
