package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.demo.InProcessDemoPeers;

/**
 * The status page at scale, in a real headless Chromium: {@value #CONNECTIONS} real WebSocket connections to one
 * bridge on loopback (bare sockets, no thread each), {@value #REGISTERED} of them with an AE registered through
 * the demo CSE. The page must show the totals, one page of {@value StatusQuery#DEFAULT_LIMIT} rows instead of
 * 5,000, page to the end, and find one entity by search; the API answers with a page, not everything. A screenshot
 * is written to {@code target/status-page-at-scale.png}.
 */
@Timeout(600)
class StatusPageAtScaleIT {
    static final int CONNECTIONS = 5000;
    static final int REGISTERED = 500;
    static final String TOKEN = "scale-test-token-0123456789";

    static InProcessDemoPeers demo;
    static Bridge bridge;
    static URI admin;
    static final List<RawWsConnection> sockets = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        long fds = ((com.sun.management.UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getMaxFileDescriptorCount();
        Assumptions.assumeTrue(fds >= 3L * CONNECTIONS, "skipping: " + CONNECTIONS + " connections need both ends"
                + " in this process, about " + 3 * CONNECTIONS + " file descriptors; the limit is " + fds);
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in }
                routes: { default: in-cse }
                limits: { maxConnections: 6000, maxConnectionsPerAddress: 6000 }
                ws: { pingInterval: 10m, idleTimeout: 20m }
                timeouts: { request: 10s, shutdownGrace: 1s }
                store: { durable: false }
                admin: { token: %s }
                """.formatted(TOKEN);
        demo = InProcessDemoPeers.start(ConfigLoader.parse(yaml).validate());
        bridge = Bridge.start(demo.bridgeConfig(), BridgeTest.announce(new ByteArrayOutputStream()));
        admin = bridge.listeners().get("admin");
        URI ws = bridge.listeners().get("ws");
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                int first = worker;
                opened.add(pool.submit(() -> {
                    for (int i = first; i < CONNECTIONS; i += 4) {
                        RawWsConnection c = new RawWsConnection(ws, "oneM2M.R2.0.json", 30_000);
                        sockets.add(c);
                        if (i < REGISTERED) {
                            register(c, "Cscale-%04d".formatted(i));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : opened) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("%d connections, %d registrations in %d ms%n", CONNECTIONS, REGISTERED,
                Duration.ofNanos(System.nanoTime() - t0).toMillis());
        Await.until(Duration.ofSeconds(60),
                () -> status("").path("totals").path("connections").asInt() == CONNECTIONS);
    }

    private static void register(RawWsConnection c, String originator) throws Exception {
        String rqi = originator + "-reg";
        c.sendText("{\"op\":1,\"to\":\"cse-in\",\"fr\":\"" + originator + "\",\"rqi\":\"" + rqi
                + "\",\"rvi\":\"3\",\"ty\":2,\"pc\":{\"m2m:ae\":{\"rn\":\"" + originator.toLowerCase()
                + "\",\"api\":\"Nscale\",\"rr\":true,\"srv\":[\"3\"]}}}");
        JsonNode answer = StatusReport.JSON.readTree(c.readText());
        assertEquals(2001, answer.path("rsc").asInt(), answer.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        synchronized (sockets) {
            for (RawWsConnection c : sockets) {
                c.close();
            }
        }
        if (bridge != null) {
            bridge.close();
        }
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void theApiAnswersWithOnePageAndTotals() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(admin.resolve("/api/status"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode s = StatusReport.JSON.readTree(r.body());
        assertEquals(CONNECTIONS, s.at("/totals/connections").asInt());
        assertEquals(REGISTERED, s.at("/totals/entities").asInt());
        assertEquals(REGISTERED, s.at("/totals/boundEntities").asInt());
        assertEquals(StatusQuery.DEFAULT_LIMIT, s.path("connections").size());
        assertEquals(CONNECTIONS, s.at("/pages/connections/matched").asInt());
        assertTrue(r.body().length() < 200_000, "one page, not 5,000 rows: " + r.body().length() + " bytes");
        System.out.printf("/api/status first page: %d bytes%n", r.body().length());
    }

    @Test
    void theStatusPageShowsTotalsPagesAndFindsAnEntity(@TempDir Path profile) throws Exception {
        HeadlessChromium.assumeInstalled();
        URI page = admin.resolve("/status?token=" + TOKEN);
        HeadlessChromium.screenshot(profile, page, Path.of("target", "status-page-at-scale.png"), 1400, 1700);

        String dom = HeadlessChromium.dumpDom(profile, page);
        assertTrue(dom.contains("data-loaded=\"true\""), "the script ran and rendered");
        assertEquals("5,000", text(dom, "total-connections"));
        assertEquals("500", text(dom, "total-entities"));
        assertEquals("500", text(dom, "total-bound"));
        assertEquals("1–100 of 5,000", text(dom, "connections-range"));
        assertEquals(StatusQuery.DEFAULT_LIMIT, rows(dom, "connections"));
        assertEquals("1–100 of 500", text(dom, "entities-range"));
        assertTrue(dom.matches("(?s).*<svg id=\"chart-connections\"[^>]*data-points=\"[1-9].*"),
                "the connections chart has points");
        assertTrue(text(dom, "uptime").matches("\\d+ (s|min \\d+ s)"), text(dom, "uptime"));

        // the last page, as the "next" button leaves it in the address
        String last = HeadlessChromium.dumpDom(profile, admin.resolve("/status?token=" + TOKEN
                + "&connections.offset=4900"));
        assertEquals("4,901–5,000 of 5,000", text(last, "connections-range"));
        assertEquals(StatusQuery.DEFAULT_LIMIT, rows(last, "connections"));

        // search: one entity among 500, and the one connection that carries it among 5,000
        String found = HeadlessChromium.dumpDom(profile, admin.resolve("/status?token=" + TOKEN
                + "&entities.q=Cscale-0421&connections.q=Cscale-0421"));
        assertEquals("1–1 of 1 matching (500 in all)", text(found, "entities-range"));
        assertEquals("1–1 of 1 matching (5,000 in all)", text(found, "connections-range"));
        assertTrue(table(found, "entities").contains("Cscale-0421"), table(found, "entities"));
        assertTrue(table(found, "connections").contains("Cscale-0421"), table(found, "connections"));
        HeadlessChromium.screenshot(profile, admin.resolve("/status?token=" + TOKEN
                + "&entities.q=Cscale-0421&connections.q=Cscale-0421"), Path.of("target",
                "status-page-at-scale-search.png"), 1400, 1100);
    }

    private static JsonNode status(String query) {
        try {
            return StatusReport.JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    admin.resolve("/api/status" + query)).header("Authorization", "Bearer " + TOKEN)
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The text of the element with {@code id} (no markup inside). */
    private static String text(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\"[^>]*>([^<]*)<").matcher(dom);
        assertTrue(m.find(), "#" + id + " in the page");
        return m.group(1).replace("&amp;", "&");
    }

    private static String table(String dom, String id) {
        int start = dom.indexOf("<table id=\"" + id + "\"");
        assertTrue(start >= 0, "table " + id);
        return dom.substring(start, dom.indexOf("</table>", start));
    }

    private static int rows(String dom, String id) {
        String body = table(dom, id);
        body = body.substring(body.indexOf("<tbody>"));
        return body.split("<tr>", -1).length - 1;
    }
}
