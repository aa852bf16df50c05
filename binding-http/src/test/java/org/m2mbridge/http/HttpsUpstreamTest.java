package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * HTTPS upstreams ({@code upstreams[].http.tls}) against a JDK HTTPS server on loopback, with key pairs made by
 * keytool at test time (nothing committed): a trusted server answers; an untrusted one, or one whose certificate
 * names another host, is 5103 at once; a server that requires a client certificate gets the configured one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpsUpstreamTest {
    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    private static Path serverKeys;
    private static Path rogueKeys;
    private static Path wrongNameKeys;
    private static Path clientKeys;
    /** What the bridge trusts: the server's and the wrong-name server's certificates (not the rogue's). */
    private static Path bridgeTrust;
    /** What the mutual-TLS server trusts: the bridge's client certificate. */
    private static Path serverTrust;

    private final List<HttpsServer> servers = new ArrayList<>();
    private final List<UpstreamHarness> harnesses = new ArrayList<>();
    private final AtomicReference<String> clientSeen = new AtomicReference<>();

    @BeforeAll
    static void makeKeys() throws Exception {
        serverKeys = dir.resolve("server.p12");
        rogueKeys = dir.resolve("rogue.p12");
        wrongNameKeys = dir.resolve("wrong-name.p12");
        clientKeys = dir.resolve("client.p12");
        List<Process> keytools = List.of(
                keytool(serverKeys, "CN=127.0.0.1", "san=ip:127.0.0.1,dns:localhost"),
                keytool(rogueKeys, "CN=127.0.0.1", "san=ip:127.0.0.1,dns:localhost"),
                keytool(wrongNameKeys, "CN=cse.example.org", "san=dns:cse.example.org"),
                keytool(clientKeys, "CN=m2m-bridge", null));
        for (Process p : keytools) {
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keytool hangs");
            assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        bridgeTrust = trustStore("bridge-trust.p12", serverKeys, wrongNameKeys);
        serverTrust = trustStore("server-trust.p12", clientKeys);
    }

    @AfterEach
    void stop() {
        harnesses.forEach(UpstreamHarness::close);
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void trustedServerAnswers() throws Exception {
        ResponsePrimitive r = retrieve(server(serverKeys, false), tls(bridgeTrust, null), true);
        assertEquals(ResponseStatusCode.OK.code(), r.rsc());
        assertEquals("cse-in", r.pc().get("m2m:cb").get("rn").asText());
        assertNull(clientSeen.get(), "no client certificate configured, none offered");
    }

    @Test
    void untrustedServerIs5103Promptly() throws Exception {
        long start = System.nanoTime();
        ResponsePrimitive r = retrieve(server(rogueKeys, false), tls(bridgeTrust, null), true);
        assertEquals(ResponseStatusCode.TARGET_NOT_REACHABLE.code(), r.rsc(), r.toString());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 10_000, "prompt, not at the 30 s deadline");
    }

    @Test
    void withoutTlsSettingsTheJvmTrustStoreRefusesAPrivateCertificate() throws Exception {
        ResponsePrimitive r = retrieve(server(serverKeys, false), null, true);
        assertEquals(ResponseStatusCode.TARGET_NOT_REACHABLE.code(), r.rsc(), r.toString());
    }

    @Test
    void certificateForAnotherHostIs5103UnlessVerificationIsOff() throws Exception {
        String url = server(wrongNameKeys, false);
        assertEquals(ResponseStatusCode.TARGET_NOT_REACHABLE.code(), retrieve(url, tls(bridgeTrust, null), true).rsc());
        assertEquals(ResponseStatusCode.OK.code(), retrieve(url, tls(bridgeTrust, null), false).rsc());
    }

    @Test
    void clientCertificateIsPresentedWhenTheServerRequiresOne() throws Exception {
        String url = server(serverKeys, true);
        assertEquals(ResponseStatusCode.OK.code(), retrieve(url, tls(bridgeTrust, clientKeys), true).rsc());
        assertEquals("CN=m2m-bridge", clientSeen.get());
    }

    @Test
    void pemClientCertificateWorksToo() throws Exception {
        String url = server(serverKeys, true);
        KeyStore store = load(clientKeys);
        Path cert = Files.writeString(dir.resolve("client.pem"),
                pem("CERTIFICATE", store.getCertificate("key").getEncoded()));
        Path key = Files.writeString(dir.resolve("client.key"),
                pem("PRIVATE KEY", store.getKey("key", PASSWORD.toCharArray()).getEncoded()));
        TlsSettings pemTls = new TlsSettings(null, null, cert.toString(), key.toString(), bridgeTrust.toString(),
                PASSWORD, null, null, null);
        assertEquals(ResponseStatusCode.OK.code(), retrieve(url, pemTls, true).rsc());
        assertEquals("CN=m2m-bridge", clientSeen.get());
    }

    @Test
    void withoutAClientCertificateAMutualTlsServerIs5103() throws Exception {
        ResponsePrimitive r = retrieve(server(serverKeys, true), tls(bridgeTrust, null), true);
        assertEquals(ResponseStatusCode.TARGET_NOT_REACHABLE.code(), r.rsc(), r.toString());
    }

    private ResponsePrimitive retrieve(String url, TlsSettings tls, boolean hostnameVerification) throws Exception {
        UpstreamHarness harness = new UpstreamHarness(url, "json",
                new HttpUpstreamSettings(null, null, null, null, null, null, null, tls, hostnameVerification));
        harnesses.add(harness);
        return harness.send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in/cse-in").fr("Cae1")
                .rqi("tls-1").rvi("3").build(), Duration.ofSeconds(30));
    }

    private static TlsSettings tls(Path trustStore, Path keyStore) {
        return new TlsSettings(keyStore == null ? null : keyStore.toString(), keyStore == null ? null : PASSWORD,
                null, null, trustStore.toString(), PASSWORD, null, null, null);
    }

    /** A oneM2M-answering HTTPS server on loopback; {@code mutual}: it requires a client certificate. */
    private String server(Path keys, boolean mutual) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keys), PASSWORD.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(serverTrust));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(mutual);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            clientSeen.set(peer(((HttpsExchange) exchange).getSSLSession()));
            byte[] body = "{\"m2m:cb\":{\"rn\":\"cse-in\",\"ty\":5}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("X-M2M-RSC", "2000");
            exchange.getResponseHeaders().add("X-M2M-RI", exchange.getRequestHeaders().getFirst("X-M2M-RI"));
            exchange.getResponseHeaders().add("X-M2M-RVI", "3");
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        servers.add(server);
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/~/id-in";
    }

    private static String peer(SSLSession session) {
        try {
            return ((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName();
        } catch (IOException e) {
            return null; // no client certificate
        }
    }

    private static Process keytool(Path keyStore, String dname, String ext) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", dname, "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (ext != null) {
            cmd.addAll(List.of("-ext", ext));
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static Path trustStore(String name, Path... keyStores) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < keyStores.length; i++) {
            trust.setCertificateEntry("trusted-" + i, load(keyStores[i]).getCertificate("key"));
        }
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, PASSWORD.toCharArray());
        }
        return file;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
