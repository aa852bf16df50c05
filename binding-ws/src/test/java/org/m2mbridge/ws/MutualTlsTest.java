package org.m2mbridge.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.Await;

/**
 * wss with mutual TLS (TS-0020 8) and the certificate-to-originator binding ({@code ws.identities}), with a PKI
 * generated at test time ({@link TestPki}).
 */
@Timeout(60)
class MutualTlsTest {
    private static final TestPki PKI = TestPki.shared();
    private static final String IDENTITIES = "ws:\n  identities:\n"
            + "    - { match: \"cn:ae-123\", originators: [Cae1] }\n"
            + "    - { match: \"uri:urn:dev:7\", originators: [\"Cdev*\"] }\n"
            + "    - { match: \"cn:other\", originators: [Cae9] }\n";
    private WsFixture bridge;

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private WsFixture wss(String extraYaml) throws Exception {
        bridge = new WsFixture(PKI.wssListenerYaml("required", null), extraYaml);
        return bridge;
    }

    private JdkWsClient client(TestPki.Client cert) throws Exception {
        return JdkWsClient.connect(bridge.wss, "oneM2M.json", TestPki.clientContext(PKI, cert));
    }

    private static JsonNode ask(JdkWsClient c, String request) throws Exception {
        c.sendText(request);
        return Json.parse(c.nextText());
    }

    @Test
    void clientWithoutCertificateOrWithAnUntrustedOneIsRefusedAtTheTlsHandshake() throws Exception {
        wss(IDENTITIES);
        assertEquals("wss", bridge.wss.getScheme());
        assertNull(bridge.uri, "no plain ws listener when only wss is configured");
        assertThrows(Exception.class, () -> client(null).close());
        assertThrows(IOException.class, () -> {
            try (RawWsClient c = RawWsClient.connectTls(bridge.wss, TestPki.clientContext(PKI, null))) {
                c.upgrade("oneM2M.json"); // TLS 1.3: the refusal arrives with the first read
            }
        });
        TestPki rogue = TestPki.create();
        assertThrows(Exception.class, () -> JdkWsClient.connect(bridge.wss, "oneM2M.json",
                TestPki.clientContext(PKI, rogue.client("ae-123", null))).close());
        try (JdkWsClient c = client(PKI.client("ae-123", null))) { // and the listener still serves
            assertEquals(2001, ask(c, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
        }
    }

    @Test
    void certificateMappedToCae1RegistersAndActsAsCae1AndIsRefused4103AsCae2() throws Exception {
        wss(IDENTITIES);
        try (JdkWsClient c = client(PKI.client("ae-123", null))) {
            JsonNode r = ask(c, Json.createAe("Cae1", "reg1", "ae1"));
            assertEquals(2001, r.path("rsc").asInt(), r.toString());
            Await.until(Duration.ofSeconds(5), () -> bridge.bus.bus.boundLink("Cae1").isPresent());
            assertEquals(2000, ask(c, Json.retrieve("Cae1", "q1", "Cae1")).path("rsc").asInt());

            r = ask(c, Json.createAe("Cae2", "reg2", "ae2"));
            assertEquals(4103, r.path("rsc").asInt(), r.toString());
            assertEquals("reg2", r.path("rqi").asText());
            assertTrue(r.path("pc").path("m2m:dbg").asText().contains("Cae2"), r.toString());
            assertEquals(4103, ask(c, Json.retrieve("Cae2", "q2", "/id-in")).path("rsc").asInt());
            assertEquals(4103, ask(c, "{\"op\":2,\"to\":\"/id-in\",\"rqi\":\"q3\",\"rvi\":\"3\"}")
                    .path("rsc").asInt(), "no fr on an authenticated connection");
            assertEquals(2000, ask(c, Json.retrieve("Cae1", "q4", "Cae1")).path("rsc").asInt(), "still Cae1");
        }
        assertEquals(3, bridge.upstream.received.size(), "only Cae1's registration and two retrieves are forwarded");
        assertTrue(bridge.upstream.received.stream().allMatch(q -> "Cae1".equals(q.fr())));
        assertEquals(3, bridge.metric("m2mbridge_rejected_requests", "reason", "identity"));
    }

    @Test
    void identityRefusalCanBe4106() throws Exception {
        wss(IDENTITIES + "  identityRefusalRsc: 4106\n");
        try (JdkWsClient c = client(PKI.client("ae-123", null))) {
            assertEquals(4106, ask(c, Json.createAe("Cae2", "r1", "ae2")).path("rsc").asInt());
            assertEquals(2001, ask(c, Json.createAe("Cae1", "r2", "ae1")).path("rsc").asInt());
            assertEquals(2000, ask(c, Json.retrieve("Cae1", "r3", "Cae1")).path("rsc").asInt());
            assertEquals(4106, ask(c, Json.retrieve("Cae2", "r4", "/id-in")).path("rsc").asInt());
        }
    }

    @Test
    void certificateWithoutMappingGets4103ForEveryRequestIncludingRegistration() throws Exception {
        wss(IDENTITIES);
        try (JdkWsClient c = client(PKI.client("unmapped", null))) {
            assertEquals(4103, ask(c, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
            assertEquals(4103, ask(c, Json.createAe("", "r2", "ae1")).path("rsc").asInt());
            assertEquals(4103, ask(c, Json.retrieve("Cany", "r3", "/id-in")).path("rsc").asInt());
        }
        assertTrue(bridge.upstream.received.isEmpty());
    }

    @Test
    void sanUriWithWildcardAndFingerprintMatch() throws Exception {
        TestPki.Client byFingerprint = PKI.client("no-name-match", null);
        wss(IDENTITIES + "    - { match: \"fingerprint:" + byFingerprint.fingerprint() + "\", originators: [Cfp1] }\n");
        try (JdkWsClient c = client(PKI.client("device-7", "urn:dev:7"))) {
            assertEquals(2001, ask(c, Json.createAe("Cdev7", "r1", "dev7")).path("rsc").asInt());
            assertEquals(2001, ask(c, Json.createAe("Cdev8", "r2", "dev8")).path("rsc").asInt());
            assertEquals(4103, ask(c, Json.createAe("Cae1", "r3", "ae1")).path("rsc").asInt());
        }
        try (JdkWsClient c = client(byFingerprint)) {
            assertEquals(2001, ask(c, Json.createAe("Cfp1", "r4", "fp1")).path("rsc").asInt());
            assertEquals(4103, ask(c, Json.createAe("Cfp2", "r5", "fp2")).path("rsc").asInt());
        }
    }

    @Test
    void reconnectReidentificationNeedsACertificateGrantingTheOriginator() throws Exception {
        wss(IDENTITIES);
        TestPki.Client ae123 = PKI.client("ae-123", null);
        try (JdkWsClient c = client(ae123)) {
            assertEquals(2001, ask(c, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
        }
        Await.until(Duration.ofSeconds(5), () -> bridge.bus.bus.boundLink("Cae1").isEmpty());
        try (JdkWsClient c = client(PKI.client("other", null))) {
            assertEquals(4103, ask(c, Json.retrieve("Cae1", "steal", "Cae1")).path("rsc").asInt());
            assertTrue(bridge.bus.bus.boundLink("Cae1").isEmpty(), "a foreign certificate must not bind Cae1");
        }
        try (JdkWsClient c = client(ae123)) {
            assertEquals(2000, ask(c, Json.retrieve("Cae1", "back", "Cae1")).path("rsc").asInt());
            assertTrue(bridge.bus.bus.boundLink("Cae1").isPresent());
        }
    }

    @Test
    void plainWsNextToWssKeepsTodaysTrustModel() throws Exception {
        bridge = new WsFixture("  ws:\n    host: 127.0.0.1\n    port: 0\n" + PKI.wssListenerYaml("required", null),
                IDENTITIES);
        assertNotNull(bridge.uri);
        assertNotNull(bridge.wss);
        try (JdkWsClient c = JdkWsClient.connect(bridge.uri, "oneM2M.json")) {
            assertEquals(2001, ask(c, Json.createAe("Cplain", "r1", "plain")).path("rsc").asInt());
        }
    }

    @Test
    void serverLimitedToTls12RefusesATls13OnlyClientAndTls11IsNeverSpoken() throws Exception {
        bridge = new WsFixture(PKI.wssListenerYaml("required", "TLSv1.2"), IDENTITIES);
        var ctx = TestPki.clientContext(PKI, PKI.client("ae-123", null));
        assertThrows(IOException.class, () -> RawWsClient.connectTls(bridge.wss, ctx, "TLSv1.3").close());
        assertThrows(IOException.class, () -> RawWsClient.connectTls(bridge.wss, ctx, "TLSv1.1").close());
        try (RawWsClient c = RawWsClient.connectTls(bridge.wss, ctx, "TLSv1.2")) {
            assertEquals(101, c.upgrade("oneM2M.json").status());
            c.sendText(Json.createAe("Cae1", "r1", "ae1"));
            assertEquals(2001, Json.parse(c.readText()).path("rsc").asInt());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners:\n"
                + PKI.wssListenerYaml("required", "TLSv1.1")));
        assertTrue(e.getMessage().contains("listeners.wss.tls.protocols"), e.getMessage());
    }

    @Test
    void configuredCipherSuitesAreTheOnlyOnesOffered() throws Exception {
        bridge = new WsFixture(PKI.wssListenerYaml("required", "TLSv1.3")
                + "      ciphers: [TLS_AES_128_GCM_SHA256]\n", IDENTITIES);
        var ctx = TestPki.clientContext(PKI, PKI.client("ae-123", null));
        assertEquals("TLS_AES_128_GCM_SHA256", handshakeWith(ctx, "TLS_AES_128_GCM_SHA256"));
        assertThrows(IOException.class, () -> handshakeWith(ctx, "TLS_AES_256_GCM_SHA384"));
    }

    /** The cipher suite a TLS 1.3 handshake offering only {@code suite} agrees on. */
    private String handshakeWith(javax.net.ssl.SSLContext ctx, String suite) throws IOException {
        try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket()) {
            s.connect(new java.net.InetSocketAddress(bridge.wss.getHost(), bridge.wss.getPort()), 5000);
            s.setSoTimeout(5000);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.setEnabledCipherSuites(new String[] {suite});
            s.startHandshake();
            return s.getSession().getCipherSuite();
        }
    }

    @Test
    void pemCertificateKeyAndTrustAnchorsWork() throws Exception {
        bridge = new WsFixture("  wss:\n    host: 127.0.0.1\n    port: 0\n    tls:\n"
                + "      certificate: " + PKI.serverCertificatePem + "\n      privateKey: " + PKI.serverKeyPem + "\n"
                + "      trustStore: " + PKI.caPem + "\n", IDENTITIES);
        try (JdkWsClient c = client(PKI.client("ae-123", null))) {
            assertEquals(2001, ask(c, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
        }
        assertThrows(Exception.class, () -> client(null).close());
    }

    @Test
    void tlsHandshakeNotStartedOrNotFinishedInTimeIsDisconnected() throws Exception {
        bridge = new WsFixture(PKI.wssListenerYaml("required", null), "limits:\n  handshakeTimeout: 500ms\n");
        try (RawWsClient silent = RawWsClient.connect(bridge.wss); RawWsClient halfHello = RawWsClient.connect(bridge.wss)) {
            // a TLS record header announcing a 512-byte handshake message, then nothing
            halfHello.sendRaw(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03});
            assertTrue(silent.closedWithin(6000), "no ClientHello: disconnected (500 ms set, 10 s default)");
            assertTrue(halfHello.closedWithin(6000), "half a ClientHello: disconnected");
        }
        try (JdkWsClient c = client(PKI.client("ae-123", null))) {
            assertEquals(2001, ask(c, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
        }
    }

    @Test
    void optionalClientAuthLetsAClientWithoutCertificateInButGrantsItNothing() throws Exception {
        bridge = new WsFixture(PKI.wssListenerYaml("optional", null), IDENTITIES);
        try (JdkWsClient anonymous = client(null); JdkWsClient ae = client(PKI.client("ae-123", null))) {
            assertEquals(4103, ask(anonymous, Json.createAe("Cae1", "r1", "ae1")).path("rsc").asInt());
            assertEquals(2001, ask(ae, Json.createAe("Cae1", "r2", "ae1")).path("rsc").asInt());
            assertEquals(4103, ask(anonymous, Json.retrieve("Cae1", "r3", "Cae1")).path("rsc").asInt());
        }
        assertEquals(1, bridge.upstream.received.size());
    }

    @Test
    void configurationMistakesNameTheKey() {
        String wssOnly = PKI.wssListenerYaml("required", null);
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners:\n"
                + "  wss:\n    host: 127.0.0.1\n    port: 0\n")).getMessage().contains("listeners.wss.tls"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners:\n"
                + "  ws:\n    port: 0\n    tls:\n      keyStore: x\n")).getMessage().contains("listeners.ws.tls"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners:\n" + wssOnly
                + "ws:\n  identities:\n    - { match: \"serial:1\", originators: [C1] }\n"))
                .getMessage().contains("ws.identities[0].match"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("listeners:\n" + wssOnly
                + "ws:\n  identities:\n    - { match: \"cn:a\", originators: [\"C*x\"] }\n"))
                .getMessage().contains("ws.identities[0].originators"));
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse("limits:\n  maxConnections: 1\n"))
                .getMessage().contains("listeners"));
    }
}
