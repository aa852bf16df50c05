package org.m2mbridge.ws.config;

import java.time.Duration;
import java.util.List;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * WebSocket server binding (TS-0020), the {@code ws:} section: owned by this binding and declared by
 * {@link WsConfiguration}, so core never reads it.
 *
 * @param serializations         serializations offered to clients, any of json, xml, cbor (default all three)
 * @param deflate                negotiate permessage-deflate (RFC 7692) when a client offers it (default true)
 * @param pingInterval           server ping interval (default 30s); a connection whose pong has not come back by
 *                               the next ping is closed with 1011 "pong timeout" (what ACME does)
 * @param idleTimeout            close a connection with no traffic at all for this long (default 10m)
 * @param path                   request path accepted for the upgrade; {@code /*} (default) accepts any path
 * @param advertiseOnlyBridgePoa in a {@code <CSEBase>} retrieved through the bridge, replace the upstream's own
 *                               points of access by the bridge's {@code ws://} one (default true), so that an
 *                               MN-CSE does not bypass the bridge (docs/spec/peers.md PEER-WS-4)
 * @param maxQueuedBytes         bytes written to one connection but not yet taken by the socket; a slower reader
 *                               is closed with 1008 (default 8 MiB)
 * @param identities             which originators a client certificate may use on {@code wss} (default none: any);
 *                               once one is configured, every request on a wss connection (registration and
 *                               re-identification included) must name an {@code fr} its certificate is granted,
 *                               else 4103; a certificate matching no entry gets 4103 for everything. Plain ws
 *                               connections carry no certificate and are not checked.
 * @param identityRefusalRsc     the rsc for a request whose {@code fr} the certificate does not grant: {@code 4103}
 *                               ORIGINATOR_HAS_NO_PRIVILEGE (default, what ACME answers and what the registration
 *                               gate already uses) or {@code 4106} ORIGINATOR_NOT_AUTHENTICATED (TS-0004 7.3.2.1
 *                               for a request inside a security association; docs/spec/websocket.md WS-GATE-3)
 * @param ioThreads              XNIO I/O threads of the WebSocket listeners: every socket is read and written on
 *                               one of them (default: the number of cores, at least 2, Undertow's own default)
 */
public record WsSettings(List<String> serializations, Boolean deflate, Duration pingInterval, Duration idleTimeout,
                         String path, Boolean advertiseOnlyBridgePoa, Integer maxQueuedBytes,
                         List<Identity> identities, Integer identityRefusalRsc, Integer ioThreads) {
    public static final WsSettings DEFAULTS = new WsSettings(null, null, null, null, null, null, null, null, null,
            null);

    /**
     * One certificate-to-originator grant.
     *
     * @param match       which certificate: {@code cn:<subject CN>}, {@code uri:<SAN URI>} or
     *                    {@code fingerprint:<SHA-256 of the DER certificate, hex, colons optional>}
     * @param originators originator IDs (AE-IDs, CSE-IDs) it may use; a trailing {@code *} matches any suffix
     *                    ({@code Cae*}); all entries a certificate matches add up
     */
    public record Identity(String match, List<String> originators) {
        public Identity {
            originators = originators == null ? List.of() : List.copyOf(originators);
        }
    }

    public WsSettings {
        serializations = serializations == null ? List.of("json", "xml", "cbor") : List.copyOf(serializations);
        deflate = deflate == null ? Boolean.TRUE : deflate;
        pingInterval = pingInterval == null ? Duration.ofSeconds(30) : pingInterval;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(10) : idleTimeout;
        path = path == null || path.isBlank() ? "/*" : path;
        advertiseOnlyBridgePoa = advertiseOnlyBridgePoa == null ? Boolean.TRUE : advertiseOnlyBridgePoa;
        maxQueuedBytes = maxQueuedBytes == null ? 8 * 1024 * 1024 : maxQueuedBytes;
        identities = identities == null ? List.of() : List.copyOf(identities);
        identityRefusalRsc = identityRefusalRsc == null ? ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE.code()
                : identityRefusalRsc;
        ioThreads = ioThreads == null ? Math.max(2, Runtime.getRuntime().availableProcessors()) : ioThreads;
    }

    /** The {@code ws:} section of {@code config}; its defaults when the configuration was read without this binding. */
    public static WsSettings of(BridgeConfig config) {
        WsSettings ws = config.section(WsConfiguration.SECTION, WsSettings.class);
        return ws == null ? DEFAULTS : ws;
    }

    /** Throws a {@link ConfigException} naming {@code ws.<key>} for the first value out of range. */
    public void validate() {
        ConfigException.require(!serializations.isEmpty(), "ws.serializations", "must name at least one of json, xml, cbor");
        for (String s : serializations) {
            ConfigException.require(org.m2mbridge.core.codec.Serialization.fromToken(s).isPresent(), "ws.serializations",
                    "unknown serialization '" + s + "' (json, xml, cbor)");
        }
        ConfigException.require(!pingInterval.isNegative() && !pingInterval.isZero(), "ws.pingInterval", "must be positive");
        ConfigException.require(!idleTimeout.isNegative(), "ws.idleTimeout", "must not be negative (0 = none)");
        ConfigException.require(maxQueuedBytes > 0, "ws.maxQueuedBytes", "must be positive");
        ConfigException.require(ioThreads > 0, "ws.ioThreads", "must be positive");
        ConfigException.require(identityRefusalRsc == ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE.code()
                || identityRefusalRsc == ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED.code(),
                "ws.identityRefusalRsc",
                "must be " + ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE.code() + " or "
                        + ResponseStatusCode.ORIGINATOR_NOT_AUTHENTICATED.code() + ", got " + identityRefusalRsc);
        for (int i = 0; i < identities.size(); i++) {
            Identity id = identities.get(i);
            String key = "ws.identities[" + i + "]";
            ConfigException.require(id != null && id.match() != null
                    && id.match().matches("(?i)(cn|uri|fingerprint):.+"), key + ".match",
                    "must be cn:<subject CN>, uri:<SAN URI> or fingerprint:<SHA-256 hex>");
            ConfigException.require(!id.match().regionMatches(true, 0, "fingerprint:", 0, 12)
                    || id.match().substring(12).replace(":", "").matches("[0-9a-fA-F]{64}"), key + ".match",
                    "a SHA-256 fingerprint is 64 hex digits (colons optional)");
            ConfigException.require(!id.originators().isEmpty(), key + ".originators", "must name at least one");
            for (String o : id.originators()) {
                ConfigException.require(o != null && !o.isBlank()
                        && (o.indexOf('*') < 0 || o.indexOf('*') == o.length() - 1), key + ".originators",
                        "'" + o + "': only a trailing * is allowed");
            }
        }
    }
}
