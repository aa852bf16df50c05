package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.ScriptedUpstream;

@Timeout(60)
class BridgeTest {

    private static final String NO_UPSTREAMS = """
            listeners:
              ws:    { host: 127.0.0.1, port: 0 }
              http:  { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            timeouts: { shutdownGrace: 1s }
            store: { durable: false }
            """;

    private static final String ONE_UPSTREAM = NO_UPSTREAMS + """
            upstreams:
              - { name: in-cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in }
            routes: { default: in-cse }
            """;

    /** A binding that stands in for binding-http: adds the configured upstream, records stop(grace). */
    static final class FakeBinding implements Binding {
        final AtomicBoolean reachable = new AtomicBoolean(true);
        final List<Duration> stops = new CopyOnWriteArrayList<>();
        final boolean addsUpstreams;
        volatile Exception startFailure;

        FakeBinding(boolean addsUpstreams) {
            this.addsUpstreams = addsUpstreams;
        }

        @Override
        public String name() {
            return "http";
        }

        @Override
        public List<String> listenerKeys() {
            return List.of("http");
        }

        @Override
        public void start(BridgeContext context) throws Exception {
            if (startFailure != null) {
                throw startFailure;
            }
            if (addsUpstreams) {
                context.config().upstreams().forEach(u -> context.bus().addUpstream(
                        new ScriptedUpstream(u.name(), u.cseId()) {
                            @Override
                            public boolean isReachable() {
                                return reachable.get();
                            }
                        }));
            }
        }

        @Override
        public Map<String, URI> boundListeners() {
            return Map.of("http", URI.create("http://127.0.0.1:1/"));
        }

        @Override
        public void stop(Duration grace) {
            stops.add(grace);
        }
    }

    @Test
    void startsOnEphemeralPortsAnnouncesServesHealthAndMetricsThenCloses() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        URI admin;
        try (Bridge bridge = Bridge.start(ConfigLoader.parse(NO_UPSTREAMS), announce(out))) {
            admin = bridge.listeners().get("admin");
            assertTrue(admin.getPort() > 0, "admin bound to a real port: " + admin);
            String printed = out.toString(StandardCharsets.UTF_8);
            assertTrue(printed.contains("listening admin=http://127.0.0.1:" + admin.getPort() + "/\n"), printed);
            for (Map.Entry<String, URI> l : bridge.listeners().entrySet()) {
                assertTrue(printed.contains("listening " + l.getKey() + "=" + l.getValue()), printed);
            }

            HttpResponse<String> live = AdminClient.get(admin, "/health/live");
            assertEquals(200, live.statusCode());
            assertEquals("{\"status\":\"UP\"}", live.body());

            HttpResponse<String> metrics = AdminClient.get(admin, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(metrics.body().contains("m2mbridge_pending_requests"), metrics.body());
            assertTrue(metrics.body().contains("m2mbridge_registered_entities"), "bridge metrics");
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics are registered too");

            HttpResponse<String> open = AdminClient.get(admin, "/metrics", "application/openmetrics-text");
            assertTrue(open.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
            assertTrue(open.body().strip().endsWith("# EOF"), "OpenMetrics by content negotiation");

            assertEquals(404, AdminClient.get(admin, "/nothing").statusCode());
        }
        assertThrows(ConnectException.class, () -> AdminClient.get(admin, "/health/live"), "admin closed");
    }

    @Test
    void readinessAndStatusFollowBindingsAndUpstreams() throws Exception {
        FakeBinding http = new FakeBinding(true);
        BridgeConfig config = ConfigLoader.parse(ONE_UPSTREAM);
        try (Bridge bridge = Bridge.start(config, List.of(http), announce(new ByteArrayOutputStream()))) {
            URI admin = bridge.listeners().get("admin");
            assertEquals(List.of("http", "admin"), List.copyOf(bridge.listeners().keySet()));

            HttpResponse<String> ready = AdminClient.get(admin, "/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            JsonNode detail = StatusReport.JSON.readTree(ready.body());
            assertEquals("UP", detail.at("/bindings/http/status").asText());
            assertEquals("UP", detail.at("/upstreams/in-cse/status").asText());

            // admin.readinessIncludesUpstreams defaults to false: an unreachable upstream is reported, not fatal
            http.reachable.set(false);
            ready = AdminClient.get(admin, "/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            detail = StatusReport.JSON.readTree(ready.body());
            assertEquals("DOWN", detail.at("/upstreams/in-cse/status").asText());
            assertEquals("not reachable", detail.at("/upstreams/in-cse/reason").asText());
            assertEquals(0, detail.path("reasons").size(), ready.body());

            JsonNode status = StatusReport.JSON.readTree(AdminClient.get(admin, "/api/status").body());
            assertEquals("in-cse", status.at("/upstreams/0/name").asText());
            assertFalse(status.at("/upstreams/0/reachable").asBoolean(true));
            assertEquals("/id-in", status.at("/upstreams/0/cseId").asText());
            assertTrue(status.get("entities").isArray());
            assertEquals("http://127.0.0.1:1/", status.at("/bindings/0/listeners/http").asText());
        }
        assertEquals(List.of(Duration.ofSeconds(1)), http.stops, "stopped once, with timeouts.shutdownGrace");
    }

    @Test
    void withReadinessIncludingUpstreamsAnUnreachableUpstreamMakesTheBridgeUnreadyAndSaysWhy() throws Exception {
        FakeBinding http = new FakeBinding(true);
        BridgeConfig config = ConfigLoader.parse(ONE_UPSTREAM + "admin: { readinessIncludesUpstreams: true }\n");
        try (Bridge bridge = Bridge.start(config, List.of(http), announce(new ByteArrayOutputStream()))) {
            URI admin = bridge.listeners().get("admin");
            assertEquals(200, AdminClient.get(admin, "/health/ready").statusCode());
            http.reachable.set(false);
            HttpResponse<String> ready = AdminClient.get(admin, "/health/ready");
            assertEquals(503, ready.statusCode());
            JsonNode detail = StatusReport.JSON.readTree(ready.body());
            assertEquals("DOWN", detail.path("status").asText());
            assertEquals("upstream in-cse: not reachable", detail.path("reasons").get(0).asText(), ready.body());
            assertTrue(detail.at("/checks/1/required").asBoolean(), ready.body());
        }
    }

    @Test
    void upstreamWithoutInstalledBindingIsAConfigErrorNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> Bridge.start(ConfigLoader.parse(ONE_UPSTREAM),
                List.of(), announce(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("upstreams[0].binding"), e.getMessage());
        assertTrue(e.getMessage().contains("in-cse"), e.getMessage());
    }

    @Test
    void bindingThatCreatesNoUpstreamFailsStartAndIsStopped() {
        FakeBinding lazy = new FakeBinding(false);
        StartupFailure e = assertThrows(StartupFailure.class, () -> Bridge.start(ConfigLoader.parse(ONE_UPSTREAM),
                List.of(lazy), announce(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("in-cse"), e.getMessage());
        assertEquals(1, lazy.stops.size(), "a failed start releases what was started");
    }

    @Test
    void takenAdminPortFailsStartWithTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String yaml = NO_UPSTREAMS.replace("admin: { host: 127.0.0.1, port: 0 }",
                    "admin: { host: 127.0.0.1, port: " + taken.getLocalPort() + " }");
            StartupFailure e = assertThrows(StartupFailure.class,
                    () -> Bridge.start(ConfigLoader.parse(yaml), List.of(), announce(new ByteArrayOutputStream())));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
    }

    @Test
    void bindingThatCannotBindNamesItsListener() {
        FakeBinding failing = new FakeBinding(true);
        failing.startFailure = new java.net.BindException("Address already in use");
        StartupFailure e = assertThrows(StartupFailure.class, () -> Bridge.start(ConfigLoader.parse(NO_UPSTREAMS),
                List.of(failing), announce(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("binding http failed to start (listeners.http 127.0.0.1:0)"), e.getMessage());
        assertTrue(e.getMessage().endsWith("): address already in use"), "in words: " + e.getMessage());
    }

    static PrintStream announce(ByteArrayOutputStream out) {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }
}
