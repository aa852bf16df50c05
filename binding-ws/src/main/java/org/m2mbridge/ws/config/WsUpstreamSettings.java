package org.m2mbridge.ws.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.UpstreamConfig;

/**
 * WebSocket client tuning for one upstream (binding ws, {@code upstreams[].ws}). Owned by the WS binding. By default
 * the bridge keeps ONE client connection to such an upstream (TS-0020 6.2) and multiplexes every request on it;
 * {@code sockets: per-entity} opens one per registered entity instead, for servers that bind a socket to one
 * originator (ACME).
 *
 * @param subprotocols  subprotocol names offered, most preferred first (TS-0020 7.2.2.9); default
 *                      {@code [oneM2M.json, oneM2M.R2.0.json]}. The serialization follows the name the server picks
 * @param originHeader  value of an {@code X-M2M-Origin} header on the upgrade request (ACME-style, CR SDS-2024-0021),
 *                      e.g. the bridge's CSE-ID; default: none sent
 * @param maxInflight   requests in flight on the socket at once (default 64); 1 for peers that lose or duplicate
 *                      responses to pipelined requests (ACME, docs/spec/peers.md PEER-C-1). Requests beyond it wait
 * for a slot
 * @param maxQueued     requests waiting for an in-flight slot (default 1024); beyond it a request is answered 5103
 * @param pingInterval  client ping interval (default 20s as ACME; 0 = no pings); a pong missing by the next ping
 *                      drops the socket
 * @param connectTimeout how long opening the socket (proxy tunnel, TLS and upgrade included) may take (default 5s)
 * @param maxReconnectDelay upper bound of the exponential back-off between failed connects (default 10s); while
 *                      backing off requests are answered 5103 at once
 * @param poa           points of access announced for entities registered through this upstream. Default: none
 *                      (the entity's own poa is removed too): the upstream reaches them over the bridge's
 *                      connection, and TS-0020 gives a WebSocket client without a server no ws URI in poa (6.2: a
 *                      sender without a poa for the entity buffers until the connection is back). A peer cannot
 *                      dial an address that is not there, while any URL is dialled by some (Mobius opens a new
 *                      connection to every ws:// poa, {@code ws://default} included). ACME needs
 *                      {@code [ws://default]} (CR SDS-2024-0021: "over my existing connection") to pick its
 *                      WebSocket binding for the entity
 * @param proxy         HTTP proxy to tunnel through with {@code CONNECT host:port HTTP/1.1} (TS-0020 7.6); optional
 * @param tls           for a {@code wss://} url: trust store and optional client certificate (mutual TLS, TS-0020 8),
 *                      protocols and ciphers, as {@code upstreams[].http.tls}; {@code clientAuth} is ignored
 * @param hostnameVerification check that the upstream's certificate names the url's host (default true)
 * @param sockets       {@code shared} (default): one socket for everything. {@code per-entity}: one socket per
 *                      entity registered through this upstream, upgraded with {@code X-M2M-Origin: <entity-id>}, so
 *                      a server that binds a socket to the originator of its upgrade (ACME) takes each entity's
 *                      requests and sends it its notifications; a registration without an entity ID yet travels
 *                      on a socket of its own without the header
 * @param maxSockets    per-entity mode: sockets open (or opening) at once towards this upstream (default 256).
 *                      Beyond it a request that needs another socket is answered 5103
 */
public record WsUpstreamSettings(List<String> subprotocols, String originHeader, Integer maxInflight,
                                 Integer maxQueued, Duration pingInterval, Duration connectTimeout,
                                 Duration maxReconnectDelay, List<String> poa, Proxy proxy, TlsSettings tls,
                                 Boolean hostnameVerification, String sockets, Integer maxSockets) {
    public static final WsUpstreamSettings DEFAULTS =
            new WsUpstreamSettings(null, null, null, null, null, null, null, null, null, null, null, null, null);

    /** {@code sockets: shared}: one socket for every entity (TS-0020 6.2). */
    public static final String SHARED = "shared";
    /** {@code sockets: per-entity}: one socket per registered entity (ACME). */
    public static final String PER_ENTITY = "per-entity";

    /**
     * An HTTP proxy ({@code upstreams[].ws.proxy}).
     *
     * @param url      {@code http://host:port} of the proxy
     * @param username for {@code Proxy-Authorization: Basic} (RFC 7617), optional; sent with {@code password}
     * @param password see {@code username}
     */
    public record Proxy(String url, String username, String password) {
        public Proxy {
            ConfigException.require(url != null && url.matches("^http://[^/]+:\\d+/?$"), "ws.proxy.url",
                    "must be http://host:port; got '" + url + "'");
            ConfigException.require((username == null) == (password == null), "ws.proxy",
                    "username and password go together");
        }

        public URI uri() {
            return URI.create(url);
        }
    }

    public WsUpstreamSettings {
        subprotocols = subprotocols == null || subprotocols.isEmpty() ? List.of(Serialization.JSON.subprotocol(),
                Serialization.JSON.release2Subprotocol())
                : List.copyOf(subprotocols);
        maxInflight = maxInflight == null ? 64 : maxInflight;
        maxQueued = maxQueued == null ? 1024 : maxQueued;
        pingInterval = pingInterval == null ? Duration.ofSeconds(20) : pingInterval;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
        maxReconnectDelay = maxReconnectDelay == null ? Duration.ofSeconds(10) : maxReconnectDelay;
        poa = poa == null ? List.of() : List.copyOf(poa);
        hostnameVerification = hostnameVerification == null || hostnameVerification;
        sockets = sockets == null ? SHARED : sockets;
        maxSockets = maxSockets == null ? 256 : maxSockets;
        ConfigException.require(sockets.equals(SHARED) || sockets.equals(PER_ENTITY), "ws.sockets",
                "must be shared or per-entity; got '" + sockets + "'");
        ConfigException.require(maxSockets > 0, "ws.maxSockets", "must be positive");
        ConfigException.require(!sockets.equals(PER_ENTITY) || originHeader == null, "ws.originHeader",
                "cannot be combined with sockets: per-entity, which sends each entity's own ID as X-M2M-Origin");
        ConfigException.require(maxInflight > 0, "ws.maxInflight", "must be positive");
        ConfigException.require(maxQueued >= 0, "ws.maxQueued", "must not be negative");
        ConfigException.require(!pingInterval.isNegative(), "ws.pingInterval", "must not be negative");
        ConfigException.require(connectTimeout.toMillis() > 0, "ws.connectTimeout", "must be positive");
        ConfigException.require(maxReconnectDelay.toMillis() >= 100, "ws.maxReconnectDelay", "must be at least 100ms");
        if (tls != null) {
            tls.validateClient("ws.tls");
        }
    }

    /** True in {@code sockets: per-entity} mode. */
    public boolean socketPerEntity() {
        return sockets.equals(PER_ENTITY);
    }

    /** The {@code ws:} subtree of upstream {@code u}; the defaults when it was read without this binding. */
    public static WsUpstreamSettings of(UpstreamConfig u) {
        WsUpstreamSettings ws = u.key(WsConfiguration.SECTION, WsUpstreamSettings.class);
        return ws == null ? DEFAULTS : ws;
    }
}
