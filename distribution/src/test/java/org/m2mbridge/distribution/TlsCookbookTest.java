package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.ConfigLoader;

/**
 * docs/tls.md, run as written: its {@code sh} blocks in order in an empty directory (openssl, keytool), then a
 * bridge with its {@code yaml} block (paths, host, port and the upstream URL pointed at this test), a stand-in
 * {@code https} CSE with the certificate the doc made for it, and a device on {@code wss} with the doc's device
 * certificate. Doc and test cannot drift: a command or setting that no longer works fails here.
 */
@Timeout(120)
class TlsCookbookTest {
    static final Path DOC = ConfigFilesTest.CONFIG.resolveSibling("docs").resolve("tls.md");
    static final String PASS = "change-me-please";

    @Test
    void theCookbookCommandsMakeWhatTheCookbookConfigurationNeeds(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(onPath("openssl"), "skipping: openssl is not installed (Debian package openssl)");
        String doc = Files.readString(DOC);
        List<String> commands = blocks(doc, "sh");
        assertTrue(commands.size() >= 5, "the doc's command blocks: " + commands.size());
        run(dir, String.join("\n", commands));

        List<String> yamls = blocks(doc, "yaml");
        assertEquals(1, yamls.size(), "one configuration block");
        try (StandInCse cse = new StandInCse(dir)) {
            String yaml = replace(yamls.get(0), "/etc/m2m-bridge/tls", dir.toString());
            yaml = replace(yaml, "host: 0.0.0.0", "host: 127.0.0.1");
            yaml = replace(yaml, "port: 8443", "port: 0");
            yaml = replace(yaml, "port: 8280", "port: 0");
            yaml = replace(yaml, "https://cse.example.com:8443", "https://localhost:" + cse.port());
            yaml += "timeouts: { request: 10s, shutdownGrace: 1s }\nstore: { durable: false }\n";
            try (Bridge bridge = Bridge.start(ConfigLoader.parse(yaml).validate(),
                    BridgeTest.announce(new ByteArrayOutputStream()))) {
                URI wss = bridge.listeners().get("wss");
                HttpClient device = HttpClient.newBuilder()
                        .sslContext(context(dir.resolve("device.p12"), dir.resolve("device-ca.p12"))).build();
                try (WsTestClient ae = new WsTestClient(device, wss, "Cae-device1", "oneM2M.R2.0.json")) {
                    ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
                    create.putObject("pc").putObject("m2m:ae").put("rn", "device1").put("api", "Ndevice")
                            .put("rr", true).putArray("srv").add("3");
                    JsonNode created = ae.request(create);
                    assertEquals(2001, created.path("rsc").asInt(), created.toString());
                    JsonNode read = ae.request(WsTestClient.primitive(2, "cse-in/device1"));
                    assertEquals(2000, read.path("rsc").asInt(), read.toString());
                    // the certificate grants Cae-device1 only (ws.identities in the doc)
                    JsonNode other = ae.request(WsTestClient.primitive(2, "cse-in"), "Cother");
                    assertEquals(4103, other.path("rsc").asInt(), other.toString());
                }
                assertTrue(cse.clients.contains("CN=bridge.example.com"),
                        "the bridge showed its certificate to the https upstream: " + cse.clients);
                // without a client certificate there is no connection at all (clientAuth: required)
                HttpClient anonymous = HttpClient.newBuilder()
                        .sslContext(context(null, dir.resolve("device-ca.p12"))).build();
                assertThrows(Exception.class, () -> new WsTestClient(anonymous, wss, "Cae-device1",
                        "oneM2M.R2.0.json").close());
            }
        }
    }

    /** The bodies of the fenced blocks of {@code language}, in order. */
    static List<String> blocks(String markdown, String language) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^```" + language + "\\n(.*?)^```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static String replace(String text, String what, String with) {
        assertTrue(text.contains(what), "docs/tls.md configuration no longer contains '" + what + "'");
        return text.replace(what, with);
    }

    /** The commands under bash with errexit and pipefail, keytool from this JVM first on the PATH. */
    private static void run(Path dir, String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":"
                + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the commands finished");
        assertEquals(0, p.exitValue(), "docs/tls.md commands failed:\n" + out);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    static SSLContext context(Path keyStore, Path trustStore) throws Exception {
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(keyStore), PASS.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(trustStore));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    /**
     * An https CSE stand-in with the doc's {@code cse.p12}, asking for a client certificate signed by the doc's
     * CA: answers an AE CREATE 2001 and anything else 2000, and records who the client certificate names.
     */
    static final class StandInCse implements AutoCloseable {
        final List<String> clients = new CopyOnWriteArrayList<>();
        private final HttpsServer server;

        StandInCse(Path dir) throws Exception {
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(context(dir.resolve("cse.p12"),
                    dir.resolve("upstream-trust.p12"))) {
                @Override
                public void configure(HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = getSSLContext().getDefaultSSLParameters();
                    p.setNeedClientAuth(true);
                    params.setSSLParameters(p);
                }
            });
            server.createContext("/", this::answer);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        private void answer(HttpExchange ex) throws java.io.IOException {
            SSLSession session = ((com.sun.net.httpserver.HttpsExchange) ex).getSSLSession();
            clients.add(((X509Certificate) session.getPeerCertificates()[0]).getSubjectX500Principal().getName());
            ex.getRequestBody().readAllBytes();
            String fr = ex.getRequestHeaders().getFirst("X-M2M-Origin");
            boolean create = ex.getRequestMethod().equals("POST");
            String body = create
                    ? "{\"m2m:ae\":{\"rn\":\"device1\",\"ri\":\"" + fr + "\",\"aei\":\"" + fr + "\",\"api\":\"Ndevice\","
                            + "\"rr\":true,\"poa\":[],\"srv\":[\"3\"]}}"
                    : "{\"m2m:ae\":{\"rn\":\"device1\",\"ri\":\"" + fr + "\",\"aei\":\"" + fr + "\"}}";
            ex.getResponseHeaders().add("X-M2M-RI", ex.getRequestHeaders().getFirst("X-M2M-RI"));
            ex.getResponseHeaders().add("X-M2M-RSC", create ? "2001" : "2000");
            ex.getResponseHeaders().add("X-M2M-RVI", "3");
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(create ? 201 : 200, bytes.length);
            ex.getResponseBody().write(bytes);
            ex.close();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
