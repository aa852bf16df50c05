package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;

/**
 * A frozen upstream CSE (the process stopped with SIGSTOP: the kernel still completes TCP handshakes, nobody reads
 * or answers) behind a small connection pool: every request that runs out of time gets 4008 with its own rqi,
 * whether it waited for a pooled connection, for a connect or for the answer (docs/reliability.md, "Deadline
 * outcomes"), and the upstream error metric says timeout.
 */
@Timeout(120)
class FrozenUpstreamTest {
    private static final int REQUESTS = 300;

    private static String config(int cse, int frozen) {
        return """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - name: in-cse
                    binding: http
                    url: http://127.0.0.1:%d
                    cseId: /id-in
                  - name: frozen
                    binding: http
                    url: http://127.0.0.1:%d
                    cseId: /id-frozen
                    http: { maxConnections: 4 }
                routes:
                  default: in-cse
                timeouts: { request: 1500ms, shutdownGrace: 200ms }
                store: { durable: false }
                """.formatted(cse, frozen);
    }

    @Test
    void everyRequestToAFrozenHttpUpstreamIsAnswered4008WithItsOwnRqi() throws Exception {
        // backlog 16, never accepted: the pool's 4 connections are established by the kernel and never answered
        try (DemoCseOverHttp cse = new DemoCseOverHttp();
             ServerSocket frozen = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
             Bridge bridge = Bridge.start(ConfigLoader.parse(config(cse.port(), frozen.getLocalPort())),
                     new PrintStream(new ByteArrayOutputStream()));
             WsTestClient device = new WsTestClient(bridge.listeners().get("ws"), "Cfrozen")) {
            ObjectNode ae = WsTestClient.primitive(1, "cse-in").put("ty", 2);
            ae.putObject("pc").putObject("m2m:ae").put("rn", "frozen").put("api", "Nfrozen").put("rr", true);
            assertEquals(2001, device.request(ae).path("rsc").asInt()); // registered at the live CSE
            URI admin = bridge.listeners().get("admin");
            PrometheusScrape before = PrometheusScrape.of(admin);

            Set<String> sent = new HashSet<>();
            for (int i = 0; i < REQUESTS; i++) {
                sent.add(device.send(WsTestClient.primitive(2, "/id-frozen/cse-frozen/c" + i)));
            }
            List<JsonNode> answers = device.responses(REQUESTS, Duration.ofSeconds(30));

            assertEquals(REQUESTS, answers.size(), "every request answered");
            Map<Integer, Long> byRsc = answers.stream().collect(Collectors.groupingBy(a -> a.path("rsc").asInt(),
                    TreeMap::new, Collectors.counting()));
            assertEquals(Map.of(4008, (long) REQUESTS), byRsc, "rsc -> count; samples: " + answers.stream()
                    .filter(a -> a.path("rsc").asInt() != 4008).limit(3).toList());
            assertEquals(sent, answers.stream().map(a -> a.path("rqi").asText()).collect(Collectors.toSet()),
                    "each request answered once, with its own rqi");
            assertEquals(REQUESTS, device.responsesReceived.get() - 1, "no duplicate answers");
            PrometheusScrape after = PrometheusScrape.of(admin);
            assertEquals(REQUESTS, after.delta(before,
                    "m2mbridge_upstream_errors_total{kind=\"timeout\",upstream=\"frozen\"}"));
            assertEquals(0, after.delta(before,
                    "m2mbridge_upstream_errors_total{kind=\"protocol\",upstream=\"frozen\"}"));
        }
    }
}
