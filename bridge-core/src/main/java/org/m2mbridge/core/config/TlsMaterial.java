package org.m2mbridge.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads the key and trust material a {@link TlsSettings} names (PKCS#12, or PEM certificates and an unencrypted
 * PKCS#8 key) into JDK key and trust managers, for any binding's TLS client or listener; JDK only, no transport.
 * Reads the files once; a problem is a {@link ConfigException} naming the key.
 */
public final class TlsMaterial {
    private static final char[] NO_PASSWORD = new char[0];

    private TlsMaterial() {
    }

    /**
     * A context for a TLS client: its certificate from {@code keyStore} or {@code certificate}+{@code privateKey}
     * when given (else none is offered), trust anchors from {@code trustStore} when given (else the JVM's).
     */
    public static SSLContext clientContext(TlsSettings tls, String key) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(hasKey(tls) ? keyManagers(tls, key) : null,
                    tls.trustStore() != null && !tls.trustStore().isBlank() ? trustManagers(tls, key) : null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    public static boolean hasKey(TlsSettings tls) {
        return (tls.keyStore() != null && !tls.keyStore().isBlank())
                || (tls.certificate() != null && !tls.certificate().isBlank());
    }

    /** The key from {@code keyStore} (PKCS#12) or from {@code certificate} + {@code privateKey} (PEM). */
    public static KeyManager[] keyManagers(TlsSettings tls, String key) throws GeneralSecurityException {
        KeyStore store;
        char[] password;
        if (tls.keyStore() != null && !tls.keyStore().isBlank()) {
            password = chars(tls.keyStorePassword());
            store = load(Path.of(tls.keyStore()), password, key + ".keyStore");
        } else {
            password = NO_PASSWORD;
            store = emptyStore();
            List<Certificate> chain = pemCertificates(Path.of(tls.certificate()), key + ".certificate");
            ConfigException.require(!chain.isEmpty(), key + ".certificate", "holds no certificate");
            ConfigException.require(tls.privateKey() != null, key + ".privateKey", "is required with certificate");
            store.setKeyEntry("key", pemPrivateKey(Path.of(tls.privateKey()), key + ".privateKey"), password,
                    chain.toArray(Certificate[]::new));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf.getKeyManagers();
    }

    /** Trust anchors from {@code trustStore}: a PEM file of certificates or a PKCS#12 file. */
    public static TrustManager[] trustManagers(TlsSettings tls, String key) throws GeneralSecurityException {
        Path file = Path.of(tls.trustStore());
        KeyStore store;
        if (isPem(file)) {
            store = emptyStore();
            List<Certificate> anchors = pemCertificates(file, key + ".trustStore");
            ConfigException.require(!anchors.isEmpty(), key + ".trustStore", "holds no certificate");
            for (int i = 0; i < anchors.size(); i++) {
                store.setCertificateEntry("trusted-" + i, anchors.get(i));
            }
        } else {
            store = load(file, chars(tls.trustStorePassword()), key + ".trustStore");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf.getTrustManagers();
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }

    private static KeyStore load(Path file, char[] password, String key) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot read PKCS#12 file " + file + ": " + problem(e), e);
        }
    }

    private static boolean isPem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(64), StandardCharsets.ISO_8859_1).contains("-----BEGIN");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Certificate> pemCertificates(Path file, String key) {
        try (InputStream in = Files.newInputStream(file)) {
            return List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot read PEM certificates from " + file + ": " + problem(e), e);
        }
    }

    private static PrivateKey pemPrivateKey(Path file, String key) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigException(key + ": cannot read " + file + ": " + problem(e), e);
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        ConfigException.require(begin >= 0 && end > begin, key,
                file + " holds no unencrypted PKCS#8 key (BEGIN PRIVATE KEY); convert it with "
                        + "openssl pkcs8 -topk8 -nocrypt");
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key algorithm: PKCS#8 names it, but KeyFactory wants to be told
            }
        }
        throw new ConfigException(key + ": " + file + ": not an EC, RSA or Ed25519 private key");
    }

    /** A file problem in words: a missing file's exception message is only its name. */
    private static String problem(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    private static char[] chars(String password) {
        return password == null ? NO_PASSWORD : password.toCharArray();
    }
}
