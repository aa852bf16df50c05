package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;

/**
 * {@code ssl://} broker with the bridge trusting it through {@code upstreams[].mqtt.trustStore}, and presenting
 * {@code upstreams[].mqtt.keyStore} to a broker that requires a client certificate. Keys made by keytool at test
 * time.
 */
@Timeout(90)
class MqttTlsTest {

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + ": " + out);
        }
    }

    /** A self-signed EC key pair in {@code dir/<alias>.jks|p12}, password changeit. */
    private static Path keyPair(Path dir, String alias, String storeType, String dname, String san) throws Exception {
        Path store = dir.resolve(alias + (storeType.equals("JKS") ? ".jks" : ".p12"));
        List<String> args = new java.util.ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-validity", "2", "-dname", dname, "-keystore", store.toString(),
                "-storetype", storeType, "-storepass", "changeit", "-keypass", "changeit"));
        if (san != null) {
            args.addAll(List.of("-ext", san));
        }
        keytool(args.toArray(String[]::new));
        return store;
    }

    /** Adds the certificate of {@code alias} in {@code keys} to trust store {@code into}. */
    private static void trust(Path dir, Path keys, String alias, Path into, String storeType, String password)
            throws Exception {
        Path cert = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", keys.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-keystore", into.toString(),
                "-storetype", storeType, "-storepass", password);
        Files.delete(cert);
    }

    /** One MQTT upstream {@code secure} on {@code broker}; {@code tls} are the mqtt.* TLS keys in flow style. */
    private static BridgeConfig config(EmbeddedBroker broker, String clientId, String tls) {
        return ConfigLoader.parse("""
                listeners: {ws: {port: 0}}
                upstreams:
                  - name: secure
                    binding: mqtt
                    broker: %s
                    cseId: /id-in
                    mqtt: {clientId: "%s", %s}
                routes: {default: secure}
                """.formatted(broker.url(), clientId, tls));
    }

    @Test
    void sslBrokerWithTrustStore(@TempDir Path dir) throws Exception {
        Path keystore = keyPair(dir, "broker", "JKS", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Path trust = dir.resolve("trust.p12");
        trust(dir, keystore, "broker", trust, "PKCS12", "trustpw");
        try (EmbeddedBroker broker = EmbeddedBroker.tls(keystore, "changeit");
             TestBridge bridge = new TestBridge(config(broker, "C::bridge-tls",
                     "trustStore: \"" + trust + "\", trustStorePassword: trustpw"), Duration.ofSeconds(1))) {
            Await.until(Duration.ofSeconds(20), bridge.upstream::isReachable, "TLS connection");
            assertEquals(List.of("mqtts://127.0.0.1:" + broker.port()), bridge.upstream.pointOfAccess("t", null));
            // The publish goes through TLS; no CSE listens, so the bus deadline answers.
            ResponsePrimitive r = bridge.bus.send(RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
                    .fr("Ctls").rqi("tls-1").rvi("3").build(), Ingress.downstream(new TestLink("ws-tls")))
                    .get(10, TimeUnit.SECONDS);
            assertEquals(4008, r.rsc());
            assertEquals(0.0, bridge.metrics.upstreamErrors.labelValues("secure", "connect").get(), "no TLS failure");
            assertEquals(1.0, bridge.metrics.upstreamErrors.labelValues("secure", "timeout").get());
        }
    }

    @Test
    void clientCertificateForABrokerThatRequiresOne(@TempDir Path dir) throws Exception {
        Path brokerKeys = keyPair(dir, "broker", "JKS", "CN=127.0.0.1", "SAN=ip:127.0.0.1");
        Path bridgeKeys = keyPair(dir, "bridge", "PKCS12", "CN=C::bridge-mtls", null);
        Path bridgeTrust = dir.resolve("trust.p12");
        Path brokerTrust = dir.resolve("broker-trust.jks");
        trust(dir, brokerKeys, "broker", bridgeTrust, "PKCS12", "changeit");
        trust(dir, bridgeKeys, "bridge", brokerTrust, "JKS", "changeit");
        String trusting = "trustStore: \"" + bridgeTrust + "\", trustStorePassword: changeit";
        try (EmbeddedBroker broker = EmbeddedBroker.mutualTls(brokerKeys, brokerTrust, "changeit")) {
            try (TestBridge bridge = new TestBridge(config(broker, "C::bridge-mtls", trusting
                    + ", keyStore: \"" + bridgeKeys + "\", keyStorePassword: changeit"), Duration.ofSeconds(1))) {
                Await.until(Duration.ofSeconds(20), bridge.upstream::isReachable, "mutual TLS connection");
                assertEquals(0.0, bridge.metrics.upstreamErrors.labelValues("secure", "connect").get());
            }
            try (TestBridge bridge = new TestBridge(config(broker, "C::bridge-mtls", trusting),
                    Duration.ofSeconds(1))) {
                Await.until(Duration.ofSeconds(20),
                        () -> bridge.metrics.upstreamErrors.labelValues("secure", "connect").get() > 0,
                        "refused without a client certificate");
                assertFalse(bridge.upstream.isReachable());
            }
        }
    }
}
