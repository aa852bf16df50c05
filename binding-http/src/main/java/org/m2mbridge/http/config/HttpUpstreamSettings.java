package org.m2mbridge.http.config;

import java.time.Duration;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * HTTP client tuning for one upstream (binding http, {@code upstreams[].http}). Owned by the HTTP binding.
 *
 * @param maxConnections pooled connections to this upstream (default 64; HttpClient's default of 5 per route is far
 *                       too few)
 * @param connectTimeout TCP (and TLS) connect timeout (default 5s); a failed connect answers 5103 at once
 * @param idleEvict      close pooled connections idle longer than this (default 30s); keep it below the upstream's
 *                       keep-alive timeout
 * @param validateAfterInactivity a pooled connection idle longer than this is checked before reuse (default 1s)
 * @param mediaTypes     Content-Type family sent to this upstream: {@code generic} (default; {@code application/json;ty=2}
 *                       as ACME-oneM2M-CSE sends) or {@code vnd} ({@code application/vnd.onem2m-res+json; ty=2} as
 *                       Mobius sends)
 * @param httpVersion    {@code 1.1} (default; most CSEs only speak HTTP/1.1), {@code negotiate} (HTTP/2 via ALPN on
 *                       TLS) or {@code 2} (HTTP/2 only, h2c on plain TCP)
 * @param ioThreads      I/O reactor threads of this upstream's client (default 1)
 * @param tls            for an {@code https://} url (optional; default: the JVM's trust store, no client certificate,
 *                       TLS 1.3 and 1.2): {@code trustStore} (+ {@code trustStorePassword}) holds the CAs or
 *                       certificates that may sign the upstream's server certificate (PKCS#12 or PEM);
 *                       {@code keyStore} + {@code keyStorePassword} (PKCS#12) or {@code certificate} +
 *                       {@code privateKey} (PEM) give the client certificate the bridge presents when the upstream
 *                       asks for one (mutual TLS); {@code protocols} and {@code ciphers} as for listeners.
 *                       {@code clientAuth} has no meaning for a client and is ignored
 * @param hostnameVerification check that the upstream's certificate names the url's host (default true, as
 *                       RFC 2818 3.1 requires; false only for a test CSE whose certificate names another host)
 */
public record HttpUpstreamSettings(Integer maxConnections, Duration connectTimeout, Duration idleEvict,
                                   Duration validateAfterInactivity, String mediaTypes, String httpVersion,
                                   Integer ioThreads, TlsSettings tls, Boolean hostnameVerification) {
    public static final HttpUpstreamSettings DEFAULTS =
            new HttpUpstreamSettings(null, null, null, null, null, null, null, null, null);

    public HttpUpstreamSettings {
        maxConnections = maxConnections == null ? 64 : maxConnections;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        idleEvict = idleEvict == null ? Duration.ofSeconds(30) : idleEvict;
        validateAfterInactivity = validateAfterInactivity == null ? Duration.ofSeconds(1) : validateAfterInactivity;
        mediaTypes = mediaTypes == null ? "generic" : mediaTypes;
        httpVersion = httpVersion == null ? "1.1" : httpVersion;
        ioThreads = ioThreads == null ? 1 : ioThreads;
        hostnameVerification = hostnameVerification == null || hostnameVerification;
        ConfigException.require(maxConnections > 0, "http.maxConnections", "must be positive");
        ConfigException.require(connectTimeout.toMillis() > 0, "http.connectTimeout", "must be positive");
        ConfigException.require(idleEvict.toMillis() > 0, "http.idleEvict", "must be positive");
        ConfigException.require(!validateAfterInactivity.isNegative(), "http.validateAfterInactivity",
                "must not be negative");
        ConfigException.require(mediaTypes.equals("generic") || mediaTypes.equals("vnd"), "http.mediaTypes",
                "must be generic or vnd; got '" + mediaTypes + "'");
        ConfigException.require(httpVersion.equals("1.1") || httpVersion.equals("negotiate")
                || httpVersion.equals("2"), "http.httpVersion", "must be 1.1, negotiate or 2; got '" + httpVersion + "'");
        ConfigException.require(ioThreads > 0, "http.ioThreads", "must be positive");
        if (tls != null) {
            tls.validateClient("http.tls");
        }
    }

    /** The {@code http:} subtree of upstream {@code u}; its defaults when it was read without this binding. */
    public static HttpUpstreamSettings of(UpstreamConfig u) {
        HttpUpstreamSettings http = u.key(HttpConfiguration.KEY, HttpUpstreamSettings.class);
        return http == null ? DEFAULTS : http;
    }
}
