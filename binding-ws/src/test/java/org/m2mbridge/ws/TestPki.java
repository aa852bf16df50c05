package org.m2mbridge.ws;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made at test time (nothing committed): a CA, a server certificate for 127.0.0.1 and client
 * certificates on demand, as PKCS#12 and PEM files in a temporary directory. EC P-256 keys, so it takes
 * milliseconds. {@link #shared()} is made once per test JVM; {@link #create()} makes an unrelated one (a CA the
 * bridge does not trust).
 */
final class TestPki {
    static final String PASSWORD = "changeit";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private static TestPki shared;

    /** A client's key material. */
    record Client(Path keyStore, X509Certificate certificate) {
        String fingerprint() {
            return TestPki.fingerprint(certificate);
        }
    }

    final Path dir;
    final KeyPair caKey;
    final X509Certificate caCert;
    /** PKCS#12 trust store with the CA, password {@link #PASSWORD}. */
    final Path trustStore;
    final Path caPem;
    /** PKCS#12 with the server key (SAN ip 127.0.0.1, dns localhost), password {@link #PASSWORD}. */
    final Path serverKeyStore;
    final Path serverCertificatePem;
    final Path serverKeyPem;

    static synchronized TestPki shared() {
        if (shared == null) {
            shared = create();
        }
        return shared;
    }

    static TestPki create() {
        try {
            return new TestPki();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestPki() throws IOException, GeneralSecurityException, OperatorCreationException {
        dir = Files.createTempDirectory("m2m-pki");
        dir.toFile().deleteOnExit();
        caKey = keyPair();
        X500Name caName = new X500Name("CN=m2m-bridge test CA " + SERIAL.incrementAndGet());
        caCert = sign(caName, caKey, caName, caKey.getPublic(), true, List.of());
        caPem = write("ca.pem", pem("CERTIFICATE", caCert.getEncoded()));
        trustStore = dir.resolve("trust.p12");
        KeyStore trust = emptyStore();
        trust.setCertificateEntry("ca", caCert);
        save(trust, trustStore);
        KeyPair serverKey = keyPair();
        X509Certificate serverCert = sign(caName, caKey, new X500Name("CN=127.0.0.1"), serverKey.getPublic(), false,
                List.of(new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.dNSName, "localhost")));
        serverKeyStore = keyStore("server", serverKey, serverCert);
        serverCertificatePem = write("server.pem", pem("CERTIFICATE", serverCert.getEncoded())
                + pem("CERTIFICATE", caCert.getEncoded()));
        serverKeyPem = write("server.key", pem("PRIVATE KEY", serverKey.getPrivate().getEncoded()));
    }

    /** A client certificate signed by this CA with subject {@code CN=cn} and, when given, a SAN URI. */
    Client client(String cn, String sanUri) {
        try {
            KeyPair key = keyPair();
            List<GeneralName> san = sanUri == null ? List.of()
                    : List.of(new GeneralName(GeneralName.uniformResourceIdentifier, sanUri));
            X509Certificate cert = sign(new X500Name(caCert.getSubjectX500Principal().getName()), caKey,
                    new X500Name("CN=" + cn), key.getPublic(), false, san);
            return new Client(keyStore("client-" + SERIAL.incrementAndGet(), key, cert), cert);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client context trusting {@code serverCa}'s CA, presenting {@code client}'s key when not null. */
    static SSLContext clientContext(TestPki serverCa, Client client) {
        try {
            KeyManagerFactory kmf = null;
            if (client != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(client.keyStore()), PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(serverCa.trustStore));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code listeners.wss} YAML block serving this PKI's server key from PKCS#12, with {@code clientAuth}. */
    String wssListenerYaml(String clientAuth, String protocols) {
        return "  wss:\n    host: 127.0.0.1\n    port: 0\n    tls:\n"
                + "      keyStore: " + serverKeyStore + "\n      keyStorePassword: " + PASSWORD + "\n"
                + "      trustStore: " + trustStore + "\n      trustStorePassword: " + PASSWORD + "\n"
                + "      clientAuth: " + clientAuth + "\n"
                + (protocols == null ? "" : "      protocols: [" + protocols + "]\n");
    }

    static String fingerprint(X509Certificate certificate) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            List<String> pairs = new ArrayList<>();
            for (byte b : d) {
                pairs.add(HexFormat.of().withUpperCase().toHexDigits(b));
            }
            return String.join(":", pairs); // the openssl/keytool spelling, colons and upper case
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path keyStore(String alias, KeyPair key, X509Certificate cert) throws IOException, GeneralSecurityException {
        KeyStore ks = emptyStore();
        ks.setKeyEntry(alias, key.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {cert, caCert});
        Path file = dir.resolve(alias + ".p12");
        save(ks, file);
        return file;
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKey, X500Name subject,
                                        java.security.PublicKey subjectKey, boolean ca, List<GeneralName> san)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, subjectKey);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        if (!san.isEmpty()) {
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(GeneralName[]::new)));
        }
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyStore emptyStore() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        return ks;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static void save(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, PASSWORD.toCharArray());
        }
        file.toFile().deleteOnExit();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        file.toFile().deleteOnExit();
        return file;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
