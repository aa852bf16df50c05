package org.m2mbridge.ws;

import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.TlsMaterial;
import org.m2mbridge.core.config.TlsSettings;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Sequence;
import org.xnio.SslClientAuthMode;

/**
 * Turns {@link TlsSettings} into what Undertow's TLS listener needs: an {@link SSLContext} with the server key and
 * the client-certificate trust anchors (read by {@link TlsMaterial}), and the listener options (protocols, cipher
 * suites, client authentication; TS-0020 8, docs/spec/websocket.md WS-SEC-1). A problem is a {@link ConfigException}
 * naming the key.
 */
final class ServerTls {

    private ServerTls() {
    }

    static SSLContext sslContext(TlsSettings tls, String key) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(TlsMaterial.keyManagers(tls, key),
                    tls.clientCertificateRequested() ? TlsMaterial.trustManagers(tls, key) : null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(key + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    static OptionMap listenerOptions(TlsSettings tls) {
        OptionMap.Builder options = OptionMap.builder()
                .set(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(tls.protocols()))
                .set(Options.SSL_CLIENT_AUTH_MODE, switch (tls.clientAuth()) {
                    case "required" -> SslClientAuthMode.REQUIRED;
                    case "optional" -> SslClientAuthMode.REQUESTED;
                    default -> SslClientAuthMode.NOT_REQUESTED;
                });
        if (!tls.ciphers().isEmpty()) {
            options.set(Options.SSL_ENABLED_CIPHER_SUITES, Sequence.of(tls.ciphers()));
        }
        return options.getMap();
    }
}
