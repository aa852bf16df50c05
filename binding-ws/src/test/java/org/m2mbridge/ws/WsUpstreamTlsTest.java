package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestBus;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.ws.client.ClientBus;

/**
 * The WS upstream over {@code wss} with mutual TLS (TS-0020 8, C13) against the bridge's own wss listener, which
 * requires a client certificate; also through a CONNECT proxy (TLS inside the tunnel, 7.6).
 */
@Timeout(60)
class WsUpstreamTlsTest {
    private static final TestPki PKI = TestPki.shared();
    private WsFixture server;
    private ClientBus client;
    private TestBus busA;
    private TestConnectProxy proxy;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private void connect(String tlsYaml, String extraWsYaml) {
        client = new ClientBus(server.wss.toString(), extraWsYaml + "      tls:\n" + tlsYaml);
        busA = client.bus;
    }

    private ResponsePrimitive registerThroughA(String aei) throws Exception {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:ae").put("rn", "ae-" + aei).put("api", "Ntls.test").put("rr", true);
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).ty(2).to("/id-in").fr(aei)
                .rqi("reg-" + aei).rvi("3").pc(pc).build();
        return busA.bus.send(create, Ingress.downstream(new RecordingLink("dev", busA.timer, 4)))
                .get(10, TimeUnit.SECONDS);
    }

    private static String trustAndKey(TestPki.Client client) {
        return "        trustStore: " + PKI.trustStore + "\n        trustStorePassword: " + TestPki.PASSWORD + "\n"
                + (client == null ? "" : "        keyStore: " + client.keyStore() + "\n        keyStorePassword: "
                + TestPki.PASSWORD + "\n");
    }

    @Test
    void withAClientCertificateTheUpstreamIsReachedOverMutualTls() throws Exception {
        server = new WsFixture(PKI.wssListenerYaml("required", null), "");
        connect(trustAndKey(PKI.client("bridge-a", null)), "");
        ResponsePrimitive r = registerThroughA("Ctls1");
        assertEquals(2001, r.rsc(), String.valueOf(r));
        assertEquals("ws", server.bus.bus.boundLink("Ctls1").map(l -> l.binding()).orElse(null));
    }

    @Test
    void withoutAClientCertificateTheTlsHandshakeFailsAndRequestsGet5103() throws Exception {
        server = new WsFixture(PKI.wssListenerYaml("required", null), "");
        connect(trustAndKey(null), "");
        ResponsePrimitive r = registerThroughA("Ctls2");
        assertEquals(5103, r.rsc(), String.valueOf(r));
        assertTrue(server.upstream.received.isEmpty());
    }

    @Test
    void wssThroughAConnectProxy() throws Exception {
        server = new WsFixture(PKI.wssListenerYaml("required", null), "");
        proxy = new TestConnectProxy(null, null);
        connect(trustAndKey(PKI.client("bridge-a", null)), "      proxy: { url: " + proxy.url() + " }\n");
        assertEquals(2001, registerThroughA("Ctls3").rsc());
        assertEquals("CONNECT 127.0.0.1:" + server.wss.getPort() + " HTTP/1.1", proxy.requestLines.get(0));
    }

    @Test
    void tls13WithAClientCertificateAndTheClientsProtocolListIsApplied() throws Exception {
        server = new WsFixture(PKI.wssListenerYaml("required", "TLSv1.3"), "");
        connect(trustAndKey(PKI.client("bridge-a", null)), "");
        assertEquals(2001, registerThroughA("Ctls4").rsc(), "TLS 1.3 (docs/libraries.md WSC-1)");
        client.close();

        connect(trustAndKey(PKI.client("bridge-a", null)) + "        protocols: [TLSv1.2]\n", "");
        ResponsePrimitive r = registerThroughA("Ctls5");
        assertEquals(5103, r.rsc(), "a TLS 1.3-only server refuses a TLS 1.2-only client: " + r);
    }
}
