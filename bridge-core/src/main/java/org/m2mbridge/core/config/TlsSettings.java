package org.m2mbridge.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TLS material and policy of one listener (first user: {@code listeners.wss.tls}; shaped so an HTTPS listener or
 * client can reuse it). The server key comes either from a PKCS#12 key store or from a PEM certificate chain plus
 * a PEM private key, never both.
 *
 * @param keyStore           PKCS#12 file holding the server's private key and certificate chain (first key entry)
 * @param keyStorePassword   password of {@code keyStore} (and of its key entry)
 * @param certificate        PEM file with the server certificate chain, leaf first (instead of {@code keyStore})
 * @param privateKey         PEM file with the server's unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY};
 *                           convert others with {@code openssl pkcs8 -topk8 -nocrypt}); goes with {@code certificate}
 * @param trustStore         CAs (or self-signed client certificates) trusted to sign client certificates: a PKCS#12
 *                           file, or a PEM file of certificates; required unless {@code clientAuth} is {@code none}
 * @param trustStorePassword password of a PKCS#12 {@code trustStore}, optional
 * @param clientAuth         {@code required} (default: TS-0020 8 asks for mutual authentication; a client without a
 *                           valid certificate fails the TLS handshake), {@code optional} (a certificate is checked
 *                           when sent), {@code none}
 * @param protocols          enabled protocol versions, a subset of {@code TLSv1.3}, {@code TLSv1.2} (default both;
 *                           anything older is refused at load)
 * @param ciphers            enabled cipher suites by their IANA/JSSE names; empty (default) keeps the JDK's defaults
 */
public record TlsSettings(String keyStore, String keyStorePassword, String certificate, String privateKey,
                          String trustStore, String trustStorePassword, String clientAuth, List<String> protocols,
                          List<String> ciphers) {
    /** The only protocol versions this bridge ever enables. */
    public static final Set<String> SUPPORTED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    public TlsSettings {
        clientAuth = clientAuth == null || clientAuth.isBlank() ? "required" : clientAuth.trim().toLowerCase(Locale.ROOT);
        protocols = protocols == null || protocols.isEmpty() ? List.of("TLSv1.3", "TLSv1.2") : List.copyOf(protocols);
        ciphers = ciphers == null ? List.of() : List.copyOf(ciphers);
    }

    /** The files this names (key store or PEM pair, trust store), for a reload to see their contents change. */
    public List<String> files() {
        return java.util.stream.Stream.of(keyStore, certificate, privateKey, trustStore)
                .filter(f -> f != null && !f.isBlank()).toList();
    }

    /** {@link #files()} of {@code tls}, none when it is null. */
    public static List<String> filesOf(TlsSettings tls) {
        return tls == null ? List.of() : tls.files();
    }

    public boolean clientCertificateRequired() {
        return clientAuth.equals("required");
    }

    public boolean clientCertificateRequested() {
        return !clientAuth.equals("none");
    }

    /**
     * Checks settings used by a TLS client (an upstream): one client key form at most, allowed protocols; throws a
     * {@link ConfigException} naming {@code key.<key>}.
     */
    public void validateClient(String key) {
        boolean store = keyStore != null && !keyStore.isBlank();
        boolean pem = certificate != null && !certificate.isBlank();
        ConfigException.require(!(store && pem), key,
                "give the client certificate either as keyStore (PKCS#12) or as certificate + privateKey (PEM)");
        ConfigException.require(!pem || (privateKey != null && !privateKey.isBlank()), key + ".privateKey",
                "is required with certificate");
        for (String p : protocols) {
            ConfigException.require(SUPPORTED_PROTOCOLS.contains(p), key + ".protocols",
                    "'" + p + "' is not allowed; use TLSv1.3 and/or TLSv1.2");
        }
    }

    void validate(String key) {
        boolean store = keyStore != null && !keyStore.isBlank();
        boolean pem = certificate != null && !certificate.isBlank();
        ConfigException.require(store != pem, key,
                "give the server key either as keyStore (PKCS#12) or as certificate + privateKey (PEM), exactly one");
        ConfigException.require(!pem || (privateKey != null && !privateKey.isBlank()), key + ".privateKey",
                "is required with certificate");
        ConfigException.require(!store || privateKey == null, key + ".privateKey", "goes with certificate, not keyStore");
        ConfigException.require(Set.of("required", "optional", "none").contains(clientAuth), key + ".clientAuth",
                "must be required, optional or none, got '" + clientAuth + "'");
        ConfigException.require(!clientCertificateRequested() || (trustStore != null && !trustStore.isBlank()),
                key + ".trustStore", "is required to verify client certificates (clientAuth " + clientAuth + ")");
        for (String p : protocols) {
            ConfigException.require(SUPPORTED_PROTOCOLS.contains(p), key + ".protocols",
                    "'" + p + "' is not allowed; use TLSv1.3 and/or TLSv1.2");
        }
    }
}
