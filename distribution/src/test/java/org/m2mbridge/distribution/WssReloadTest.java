package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wss listener's key store replaced on disk (a renewed certificate) is used by the next TLS handshake after a
 * reload, while a device connected over wss before it stays connected.
 */
@Timeout(90)
class WssReloadTest {
    static final String PASSWORD = "changeit";

    @TempDir
    Path dir;

    @Test
    void aReplacedKeyStoreServesTheNextHandshakeAndTheConnectedDeviceStays() throws Exception {
        Path first = keyStore("first");
        Path second = keyStore("second");
        Path served = Files.copy(first, dir.resolve("server.p12"));
        Path file = Files.writeString(dir.resolve("bridge.yaml"), """
                listeners:
                  wss:   { host: 127.0.0.1, port: 0, tls: { keyStore: %s, keyStorePassword: %s, clientAuth: none } }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { durable: false }
                """.formatted(served, PASSWORD));
        Main.Launch launch = Main.launch(new String[] {"run", "--config", file.toString()},
                Map.of("M2MBRIDGE_DATA_DIR", dir.resolve("data").toString()),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertNotNull(launch.running(), "the bridge started");
        try (RunningBridge running = launch.running()) {
            URI wss = running.bridge().listeners().get("wss");
            URI admin = running.bridge().listeners().get("admin");
            SSLContext trustingBoth = trusting(first, second);
            assertEquals("CN=first", serverCertificate(trustingBoth, wss));
            try (WsTestClient device = new WsTestClient(HttpClient.newBuilder().sslContext(trustingBoth).build(),
                    wss, "Cwss-device", "oneM2M.R2.0.json")) {
                // not registered: the gate answers, which is enough to show the socket works
                assertEquals(4103, device.request(WsTestClient.primitive(2, "cse-in")).path("rsc").asInt());

                Files.copy(second, served, StandardCopyOption.REPLACE_EXISTING); // the renewed certificate
                assertEquals("CN=first", serverCertificate(trustingBoth, wss), "nothing changes before the reload");
                HttpResponse<String> reload = AdminClient.post(admin, "/-/reload", null);
                assertEquals(200, reload.statusCode(), reload.body());
                assertEquals("[\"listeners.wss.tls (key and trust material)\"]",
                        StatusReport.JSON.readTree(reload.body()).path("applied").toString());

                assertEquals("CN=second", serverCertificate(trustingBoth, wss), "the next handshake");
                assertEquals(4103, device.request(WsTestClient.primitive(2, "cse-in")).path("rsc").asInt(),
                        "the device connected before the reload is still connected");
                assertEquals(1, PrometheusScrape.of(admin)
                        .value("m2mbridge_ws_connections{role=\"server\",subprotocol=\"json\"}"));
            }
        }
    }

    /** A PKCS#12 key store with a self-signed EC key for 127.0.0.1, subject CN={@code cn}, made by keytool. */
    private Path keyStore(String cn) throws Exception {
        Path p12 = dir.resolve(cn + ".p12");
        Process keytool = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + cn, "-ext", "san=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", p12.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD))
                .redirectErrorStream(true).start();
        String output;
        try (InputStream out = keytool.getInputStream()) {
            output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new AssertionError("keytool failed: " + output);
        }
        return p12;
    }

    /** A client context that trusts the certificates of {@code stores}. */
    private static SSLContext trusting(Path... stores) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (Path p : stores) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            trust.setCertificateEntry(p.getFileName().toString(), ks.getCertificate("server"));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** The subject of the certificate the listener presents in a fresh TLS handshake. */
    private static String serverCertificate(SSLContext context, URI wss) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(wss.getHost(), wss.getPort())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                    .getName();
        }
    }
}
