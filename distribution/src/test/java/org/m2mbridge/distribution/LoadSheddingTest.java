package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;

/** The inbound memory budget seen from outside: a shed connection gets 1013, and readiness says why. */
@Timeout(60)
class LoadSheddingTest {
    private static final String YAML = """
            listeners:
              ws:    { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            limits: { maxMessageBytes: 65536, inboundBudgetBytes: 100000 }
            timeouts: { shutdownGrace: 1s }
            store: { durable: false }
            """;

    @Test
    void readinessReportsSheddingWhileLivenessStaysUp() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        try (Bridge bridge = Bridge.start(ConfigLoader.parse(YAML), BridgeTest.announce(new ByteArrayOutputStream()))) {
            URI admin = bridge.listeners().get("admin");
            JsonNode before = StatusReport.JSON.readTree(AdminClient.get(admin, "/health/ready").body());
            assertEquals("UP", before.at("/inboundBudget/status").asText(), before.toString());
            assertEquals(100000, before.at("/inboundBudget/limitBytes").asLong());

            // two unfinished 60 KB messages (FIN=0) do not fit in 100 KB together
            List<CompletableFuture<Integer>> closes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                CompletableFuture<Integer> close = new CompletableFuture<>();
                WebSocket ws = client.newWebSocketBuilder().subprotocols("oneM2M.R2.0.json")
                        .buildAsync(bridge.listeners().get("ws"), new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket s, int code, String reason) {
                                close.complete(code);
                                return null;
                            }

                            @Override
                            public void onError(WebSocket s, Throwable error) {
                                close.complete(-1);
                            }
                        }).get(10, TimeUnit.SECONDS);
                sockets.add(ws);
                closes.add(close);
                // The bridge may shed this socket while the JDK client is still writing the fragment: the client
                // then hears the close (1013, asserted below) and fails its own pending send ("closed output").
                ws.sendText("{\"op\":2,\"pc\":\"" + "x".repeat(60_000), false).handle((sent, failed) -> sent)
                        .get(10, TimeUnit.SECONDS);
            }
            CompletableFuture.anyOf(closes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            long shed = closes.stream().filter(c -> c.getNow(0) == 1013).count();
            assertEquals(1, shed, "one of the two shed with 1013");

            HttpResponse<String> ready = AdminClient.get(admin, "/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode detail = StatusReport.JSON.readTree(ready.body());
            assertEquals("DOWN", detail.at("/inboundBudget/status").asText());
            assertTrue(detail.at("/inboundBudget/reason").asText().contains("limits.inboundBudgetBytes"),
                    detail.toString());
            assertEquals("UP", detail.at("/bindings/ws/status").asText(), "the binding itself is fine");
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());
            PrometheusScrape metrics = PrometheusScrape.of(admin);
            assertEquals(1, metrics.value("m2mbridge_load_shed_total{reason=\"memory_budget\"}"));
            assertEquals(0, metrics.value("m2mbridge_load_shed_total{reason=\"assembly_timeout\"}"));
            assertEquals(100000, metrics.value("m2mbridge_inbound_budget_limit_bytes"));
            assertTrue(metrics.value("m2mbridge_inbound_budget_used_bytes") >= 60_000, "the survivor's bytes");
        } finally {
            sockets.forEach(WebSocket::abort);
        }
    }
}
