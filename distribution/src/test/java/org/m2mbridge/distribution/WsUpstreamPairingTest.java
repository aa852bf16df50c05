package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.demo.DemoAe;
import org.m2mbridge.demo.DemoAeResult;
import org.m2mbridge.demo.DemoCse;
import org.m2mbridge.demo.DemoCseHttpServer;

/**
 * Two real bridges paired over TS-0020 (issue 10): bridge A is the WebSocket CLIENT of bridge B (an MN-side bridge
 * towards its registrar, T1) through an HTTP CONNECT proxy (7.6); B reaches the demo CSE over HTTP. The demo AE
 * talks to A and must register, subscribe and receive its notification, which travels
 * CSE -HTTP-> B -WS-> A -WS-> AE.
 */
@Timeout(120)
class WsUpstreamPairingTest {
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final DemoCse cse = new DemoCse();
    private final DemoCseHttpServer cseHttp = DemoCseHttpServer.start(cse, codecs, "127.0.0.1", 0);
    private final List<ResponsePrimitive> notifyAnswers = new CopyOnWriteArrayList<>();
    private final TestConnectProxy proxy;

    WsUpstreamPairingTest() throws Exception {
        EndToEndTest.recordNotifyAnswers(cse, codecs, notifyAnswers);
        proxy = new TestConnectProxy("bridge-a", "pairing");
    }

    @AfterEach
    void stop() {
        proxy.close();
        cseHttp.close();
        cse.close();
    }

    private static Bridge start(String yaml) {
        return Bridge.start(ConfigLoader.parse(yaml), new PrintStream(new ByteArrayOutputStream()));
    }

    /** Bridge B: WebSocket listener for bridge A, HTTP listener for the CSE's notifications, the CSE over HTTP. */
    static String bridgeB(int cseHttpPort) {
        return """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                upstreams:
                  - name: in-cse
                    binding: http
                    url: http://127.0.0.1:%d
                    cseId: /id-in
                routes:
                  default: in-cse
                timeouts: { shutdownGrace: 1s }
                store: { durable: false }
                """.formatted(cseHttpPort);
    }

    @Test
    void demoAeBehindBridgeAReachesTheCseBehindBridgeBThroughAProxyAndGetsItsNotification() throws Exception {
        try (Bridge b = start(bridgeB(cseHttp.port()))) {
            URI wsB = b.listeners().get("ws");
            String yamlA = """
                    listeners:
                      ws:    { host: 127.0.0.1, port: 0 }
                    upstreams:
                      - name: bridge-b
                        binding: ws
                        url: %s
                        cseId: /id-in
                        ws:
                          maxInflight: 1
                          proxy: { url: %s, username: bridge-a, password: pairing }
                    routes:
                      default: bridge-b
                    timeouts: { shutdownGrace: 1s }
                    store: { durable: false }
                    """.formatted(wsB, proxy.url());
            try (Bridge a = start(yamlA)) {
                List<String> said = new CopyOnWriteArrayList<>(); // the AE's lines carry an error's debug text
                DemoAeResult r = new DemoAe(DemoAe.Options.defaults(), said::add).run(a.listeners().get("ws"));
                assertTrue(r.success(), r + " " + said);
                assertEquals("21.5", r.notification().orElseThrow().at("/nev/rep/m2m:cin/con").asText());
                // the CSE notified B over HTTP and B's answer (from the AE, via A) was 2000. The CSE's HTTP client
                // records that answer asynchronously, possibly after the AE has already moved on, so wait for it.
                assertTrue(Await.within(Duration.ofSeconds(10),
                        () -> notifyAnswers.stream().anyMatch(n -> n.rsc() == 2000)), notifyAnswers.toString());
                // A's one socket to B went through the proxy, which was asked for B's WS server
                assertEquals("CONNECT 127.0.0.1:" + wsB.getPort() + " HTTP/1.1", proxy.requestLines.get(0));
                assertEquals(1, proxy.requestLines.size(), proxy.requestLines.toString());
            }
        }
    }
}
