package org.m2mbridge.ws;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.AttachmentKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.m2mbridge.ws.config.WsSettings;

/**
 * {@code ws.identities}: which originators a client certificate grants (TS-0020 8 mutual authentication; the
 * binding of a certificate to AE-IDs is left to the deployment by TS-0003, so it is configuration here). Resolved
 * once per connection at the handshake and handed to the session with {@link #GRANT}, because Undertow's
 * {@code WebSocketHttpExchange} has no TLS accessor (docs/libraries.md UT-6).
 */
final class IdentityMap {
    static final AttachmentKey<OriginatorGrant> GRANT = AttachmentKey.create(OriginatorGrant.class);

    private final List<WsSettings.Identity> identities;

    IdentityMap(List<WsSettings.Identity> identities) {
        this.identities = List.copyOf(identities);
    }

    /** The grant of the connection this upgrade request came on. */
    OriginatorGrant grantFor(HttpServerExchange exchange) {
        SSLSessionInfo tls = exchange.getConnection().getSslSessionInfo();
        if (tls == null || identities.isEmpty()) {
            return OriginatorGrant.UNCHECKED; // plain ws, or wss without identity binding
        }
        X509Certificate leaf = null;
        try {
            Certificate[] chain = tls.getPeerCertificates();
            if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate x) {
                leaf = x;
            }
        } catch (SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException e) {
            // clientAuth optional and no certificate sent: nothing granted
        }
        return leaf == null ? new OriginatorGrant(true, List.of(), "no client certificate")
                : grantFor(CertificateIdentity.of(leaf));
    }

    OriginatorGrant grantFor(CertificateIdentity identity) {
        List<String> patterns = new ArrayList<>();
        for (WsSettings.Identity entry : identities) {
            if (identity.matches(entry.match())) {
                patterns.addAll(entry.originators());
            }
        }
        String holder = identity.commonName() != null ? "CN=" + identity.commonName()
                : "certificate " + identity.fingerprint();
        return new OriginatorGrant(true, patterns, holder);
    }
}
