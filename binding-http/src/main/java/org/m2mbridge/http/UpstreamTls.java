package org.m2mbridge.http;

import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.TlsMaterial;
import org.m2mbridge.core.config.TlsSettings;

/**
 * TLS towards one {@code https://} upstream CSE (TS-0009 7: HTTP over TLS): the trust anchors, the optional client
 * certificate, protocols and ciphers of {@code upstreams[].http.tls}, and hostname verification. A server the
 * anchors do not vouch for, or whose certificate names another host, fails the handshake, which the upstream
 * answers with 5103 at once.
 */
final class UpstreamTls {
    private UpstreamTls() {
    }

    /** The strategy for the connection pool; with no {@code tls} section, the JVM's trust store and defaults. */
    static TlsStrategy strategy(HttpUpstreamSettings s) {
        TlsSettings tls = s.tls();
        ClientTlsStrategyBuilder builder = ClientTlsStrategyBuilder.create();
        if (tls == null) {
            builder.setTlsVersions(TlsSettings.SUPPORTED_PROTOCOLS.toArray(String[]::new));
        } else {
            builder.setSslContext(TlsMaterial.clientContext(tls, "http.tls"))
                    .setTlsVersions(tls.protocols().toArray(String[]::new));
            if (!tls.ciphers().isEmpty()) {
                builder.setCiphers(tls.ciphers().toArray(String[]::new));
            }
        }
        if (!s.hostnameVerification()) {
            // CLIENT: only our verifier runs (the JSSE endpoint check is off), and it accepts any name.
            builder.setHostVerificationPolicy(HostnameVerificationPolicy.CLIENT)
                    .setHostnameVerifier(NoopHostnameVerifier.INSTANCE);
        }
        return builder.buildAsync();
    }
}
