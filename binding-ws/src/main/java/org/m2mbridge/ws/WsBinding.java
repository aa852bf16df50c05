package org.m2mbridge.ws;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.Deflater;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.ws.config.WsConfiguration;
import org.m2mbridge.ws.config.WsSettings;
import org.m2mbridge.ws.config.WsUpstreamSettings;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.limits.ConnectionLimits;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.core.metrics.ConnectionRole;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.ws.client.WsUpstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket server binding (TS-0020): devices (AEs, MN-CSEs behind NAT) connect here and keep one socket that
 * carries their requests up and the CSE's requests (notifications) down. Built on Undertow's native WebSocket API.
 * Listens on plain {@code ws} ({@code listeners.ws}) and/or on TLS ({@code listeners.wss}, mutual TLS per
 * TS-0020 8); both share one handler, so the same gate, limits and sessions apply to each.
 */
public final class WsBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(WsBinding.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final Set<WsSession> sessions = ConcurrentHashMap.newKeySet();
    private final List<WsUpstream> upstreams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Undertow server;
    private volatile Map<String, URI> bound = Map.of();
    private volatile ConnectionLimits connections;
    private volatile boolean accepting;
    private BridgeContext context;
    /** Replaced by a reload (per-connection limits): each connection keeps the one it opened with. */
    private volatile WsSession.Environment environment;
    private volatile HandshakeGate gate;
    /** listeners.ws.dialect and listeners.wss.dialect. */
    private volatile DialectRepair plainDialect = DialectRepair.NONE;
    private volatile DialectRepair tlsDialect = DialectRepair.NONE;

    public WsBinding() {
    }

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public BindingConfiguration configuration() {
        return new WsConfiguration(name());
    }

    @Override
    public int order() {
        return 0;
    }

    @Override
    public List<String> upstreamFiles(UpstreamConfig config) {
        return TlsSettings.filesOf(WsUpstreamSettings.of(config).tls());
    }

    @Override
    public List<String> listenerKeys() {
        return List.of("ws", "wss");
    }

    @Override
    public synchronized void start(BridgeContext ctx) {
        if (server != null) {
            throw new IllegalStateException("ws binding already started");
        }
        this.context = ctx;
        ctx.metrics().connectionsOf(name());
        BridgeConfig config = ctx.config();
        ListenerConfig plain = WsConfiguration.plainListener(config);
        ListenerConfig tls = WsConfiguration.tlsListener(config);
        // A bridge may serve only HTTP or MQTT devices (listeners.deviceHttp/deviceMqtt) and use ws only upstream.
        if (plain != null || tls != null) {
            startListeners(config, plain, tls);
        } else {
            accepting = true;
        }
        startConfiguredUpstreams(config);
    }

    /** The server role: devices connect to {@code listeners.ws} and/or {@code listeners.wss}. */
    private void startListeners(BridgeConfig config, ListenerConfig plain, ListenerConfig tls) {
        WsSettings ws = WsSettings.of(config);
        LimitsConfig limits = config.limits();
        environment = new WsSession.Environment(context.bus(), context.directory(), context.metrics(), context.timer(),
                new RegistrationGate(context.bus(), context.admission(), context.metrics(),
                        ResponseStatusCode.of(ws.identityRefusalRsc()).orElseThrow()),
                limits, ws.maxQueuedBytes(), context.inboundBudget());
        connections = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerAddress());
        plainDialect = plain == null ? DialectRepair.NONE
                : DialectRepair.of("ws", plain.dialect(), config, context.metrics());
        tlsDialect = tls == null ? DialectRepair.NONE
                : DialectRepair.of("wss", tls.dialect(), config, context.metrics());
        SubprotocolSelection selection = subprotocols(ws);
        // the gate runs first and hands a handshake it accepts on to Undertow's upgrade
        gate = new HandshakeGate(ws.path(), selection, context.metrics(), () -> accepting, connections,
                new IdentityMap(ws.identities()), upgradeHandler(ws, selection, limits));
        Undertow undertow = newServer(config, plain, tls, gate);
        undertow.start();
        server = undertow;
        accepting = true; // before the "listening" line: a device that read it must not be refused 503
        String advertised = recordBoundListeners(undertow, plain, tls);
        context.bus().addResponseFilter(new CseBasePoaFilter(name(), advertised, ws.advertiseOnlyBridgePoa()));
        LOG.info("listening {} subprotocols={} deflate={} identities={}", bound, selection.names(), ws.deflate(),
                ws.identities().size());
    }

    private static SubprotocolSelection subprotocols(WsSettings ws) {
        Set<Serialization> enabled = EnumSet.noneOf(Serialization.class);
        ws.serializations().forEach(t -> Serialization.fromToken(t).ifPresent(enabled::add));
        return new SubprotocolSelection(enabled);
    }

    private WebSocketProtocolHandshakeHandler upgradeHandler(WsSettings ws, SubprotocolSelection selection,
                                                             LimitsConfig limits) {
        WebSocketProtocolHandshakeHandler upgrade = new WebSocketProtocolHandshakeHandler(
                List.of(new OfferedSubprotocolHandshake(selection.names(), ws.deflate())),
                (WebSocketConnectionCallback) (exchange, channel) -> onConnect(exchange, channel, ws),
                HandshakeGate.malformed(context.metrics()));
        if (ws.deflate()) {
            // RFC 7692; the inflated size is capped by the message limit (MessageAssembly).
            // Undertow caps each inflated frame at its own 1 MiB default (closing 1009): align it with ours.
            upgrade.addExtension(new PerMessageDeflateHandshake(false, Deflater.DEFAULT_COMPRESSION, true, true,
                    limits.maxMessageBytes()));
        }
        return upgrade;
    }

    private static Undertow newServer(BridgeConfig config, ListenerConfig plain, ListenerConfig tls,
                                      HandshakeGate gate) {
        int handshakeMs = (int) Math.min(Integer.MAX_VALUE, config.limits().handshakeTimeout().toMillis());
        Undertow.Builder builder = Undertow.builder()
                .setIoThreads(WsSettings.of(config).ioThreads())
                .setWorkerThreads(2)
                // slowloris: a connection that has not sent a whole upgrade request in time is closed
                // (NO_REQUEST_TIMEOUT: nothing, or no TLS handshake, yet; REQUEST_PARSE_TIMEOUT: a head trickling in)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, handshakeMs)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, handshakeMs)
                .setHandler(gate);
        int descriptors = FileDescriptorBudget.forThisProcess(config).restConnections();
        if (descriptors < Integer.MAX_VALUE) {
            // Above its descriptor share a listener stops accepting (the kernel backlog holds the next ones):
            // it must never run the process out of descriptors, which stalls every listener's accept.
            builder.setSocketOption(org.xnio.Options.CONNECTION_HIGH_WATER, descriptors)
                    .setSocketOption(org.xnio.Options.CONNECTION_LOW_WATER, descriptors);
        }
        if (plain != null) {
            builder.addHttpListener(plain.port(), plain.host());
        }
        if (tls != null) {
            builder.addListener(new Undertow.ListenerBuilder().setType(Undertow.ListenerType.HTTPS)
                    .setPort(tls.port()).setHost(tls.host())
                    .setSslContext(ServerTls.sslContext(tls.tls(), "listeners.wss.tls"))
                    .setOverrideSocketOptions(ServerTls.listenerOptions(tls.tls())));
        }
        return builder.build();
    }

    /** Sets {@link #bound} from the ports actually bound; returns the address to advertise to devices. */
    private String recordBoundListeners(Undertow undertow, ListenerConfig plain, ListenerConfig tls) {
        Map<String, URI> uris = new java.util.LinkedHashMap<>();
        String advertised = null;
        for (Undertow.ListenerInfo info : undertow.getListenerInfo()) {
            boolean secure = info.getProtcol().equals("https");
            ListenerConfig l = secure ? tls : plain;
            String scheme = secure ? "wss" : "ws";
            String base = scheme + "://" + hostForUri(l.host()) + ":" + ((InetSocketAddress) info.getAddress()).getPort();
            uris.put(scheme, URI.create(base + "/"));
            if (advertised == null || secure) { // a device that can do TLS should be told the TLS address
                advertised = Optional.ofNullable(l.publicUrl()).filter(s -> !s.isBlank()).orElse(base);
            }
        }
        bound = Map.copyOf(uris);
        return advertised;
    }

    /** The client role (TS-0020 T1): this bridge as WS client of each upstream with binding ws. */
    private void startConfiguredUpstreams(BridgeConfig config) {
        for (UpstreamConfig u : config.upstreams()) {
            if (name().equals(u.binding())) {
                WsUpstream upstream = newUpstream(u);
                context.bus().addUpstream(upstream);
                upstream.start();
            }
        }
    }

    private WsUpstream newUpstream(UpstreamConfig u) {
        WsUpstream upstream = new WsUpstream(u, context.bus(), context.codecs(), context.metrics(), context.timer(),
                context.config().limits().maxMessageBytes());
        upstreams.add(upstream);
        return upstream;
    }

    @Override
    public synchronized Upstream startUpstream(UpstreamConfig u) {
        WsUpstream upstream = newUpstream(u);
        upstream.start();
        return upstream;
    }

    @Override
    public void retireUpstream(Upstream upstream, Duration grace) {
        if (upstream instanceof WsUpstream ws && upstreams.remove(ws)) {
            ws.stop(); // its waiting requests are answered 5103; the bus's deadline guard covers the rest
        }
    }

    /**
     * Reload: the {@code wss} listener's key and trust material are read again and used from the next TLS handshake
     * (Undertow's listener takes a new SSLContext); {@code ws.identities} and the per-connection limits apply to
     * connections opened from now on. Open connections keep what they were opened with.
     */
    @Override
    public synchronized void reconfigure(BridgeConfig next) {
        ListenerConfig tls = WsConfiguration.tlsListener(next);
        Undertow undertow = server;
        javax.net.ssl.SSLContext sslContext = tls == null || undertow == null ? null
                : ServerTls.sslContext(tls.tls(), "listeners.wss.tls"); // built first: a failure changes nothing
        if (sslContext != null) {
            for (Undertow.ListenerInfo info : undertow.getListenerInfo()) {
                if (info.getProtcol().equals("https")) {
                    info.setSslContext(sslContext);
                }
            }
        }
        HandshakeGate g = gate;
        if (g != null) {
            g.identities(new IdentityMap(WsSettings.of(next).identities()));
        }
        WsSession.Environment env = environment;
        if (env != null) {
            LimitsConfig limits = env.limits().withPerConnectionLimitsOf(next.limits());
            environment = new WsSession.Environment(env.bus(), env.directory(), env.metrics(), env.timer(), env.gate(), limits,
                    env.maxQueuedBytes(), env.budget());
            connections.resize(limits.maxConnections(), limits.maxConnectionsPerAddress());
        }
    }

    private void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel, WsSettings ws) {
        java.net.InetAddress source = channel.getSourceAddress() == null ? null
                : channel.getSourceAddress().getAddress();
        Optional<Serialization> serialization = Serialization.fromSubprotocol(channel.getSubProtocol());
        if (serialization.isEmpty()) { // the gate prevents this; never run a connection without a serialization
            connections.closed(source); // the slot the gate took
            io.undertow.websockets.core.WebSockets.sendClose(1002, "no subprotocol", channel, null);
            return;
        }
        OriginatorGrant grant = Optional.ofNullable(exchange.getAttachment(IdentityMap.GRANT))
                .orElse(OriginatorGrant.UNCHECKED);
        WsSession session = new WsSession(channel, context.codecs().get(serialization.get()), environment, grant,
                channel.isSecure() ? tlsDialect : plainDialect);
        sessions.add(session); // its connection slot was taken by the HandshakeGate
        var gauge = context.metrics().wsConnections.labelValues(ConnectionRole.SERVER.label(), serialization.get().token());
        gauge.inc();
        channel.addCloseTask(ch -> {
            session.onClosed();
            sessions.remove(session);
            connections.closed(source);
            gauge.dec();
        });
        channel.getReceiveSetter().set(new FrameListener(session));
        if (!ws.idleTimeout().isZero()) {
            channel.setIdleTimeout(ws.idleTimeout().toMillis());
            session.idleTimeout(ws.idleTimeout());
        }
        session.startKeepalive(ws.pingInterval());
        String originHint = exchange.getRequestHeader("X-M2M-Origin");
        environment.gate().hint(originHint, session);
        releaseUpgradeRequest(exchange);
        context.metrics().connectionOpened(name(), ConnectionRole.SERVER);
        ConnectionLog.opened(session.id(), session.remoteAddress(), serialization.get().token(),
                grant == OriginatorGrant.UNCHECKED ? null : grant.holder(), originHint);
        channel.resumeReceives();
    }

    /** Nothing of the upgrade request is needed once the session exists; Undertow would keep it all (see the key). */
    private static void releaseUpgradeRequest(WebSocketHttpExchange exchange) {
        io.undertow.server.HttpServerExchange upgrade = exchange.getAttachment(HandshakeGate.UPGRADE_EXCHANGE);
        if (upgrade != null) {
            upgrade.removeAttachment(HandshakeGate.UPGRADE_EXCHANGE);
            upgrade.removeAttachment(IdentityMap.GRANT);
            upgrade.getRequestHeaders().clear();
            upgrade.getResponseHeaders().clear();
        }
    }

    @Override
    public Map<String, URI> boundListeners() {
        return bound;
    }

    @Override
    public List<ConnectionView> connections() {
        List<ConnectionView> views = new java.util.ArrayList<>(sessions.stream().map(WsSession::view).toList());
        upstreams.forEach(u -> views.addAll(u.views())); // this bridge's own client sockets
        return views;
    }

    @Override
    public boolean isReady() {
        return accepting && (server != null || WsConfiguration.plainListener(context.config()) == null
                && WsConfiguration.tlsListener(context.config()) == null);
    }

    /** Closes every socket with 1001 once its exchanges finished, or when {@code grace} ran out (RFC 6455 7.4.1). */
    @Override
    public void stop(Duration grace) {
        Undertow undertow;
        synchronized (this) {
            if (!accepting) {
                return;
            }
            undertow = server; // null when only upstream sockets were opened
            server = null;
            accepting = false;
        }
        upstreams.forEach(WsUpstream::stop);
        upstreams.clear();
        List<WsSession> open = List.copyOf(sessions);
        open.forEach(s -> s.closeWhenIdle(1001, "bridge shutting down"));
        if (!awaitClosed(open, grace)) {
            open.forEach(s -> s.closeNow(1001, "bridge shutting down"));
            awaitClosed(open, CLOSE_WAIT);
        }
        if (undertow != null) {
            undertow.stop();
        }
        bound = Map.of();
        LOG.info("ws binding stopped");
    }

    private static boolean awaitClosed(List<WsSession> open, Duration timeout) {
        try {
            CompletableFuture.allOf(open.stream().map(WsSession::closedFuture).toArray(CompletableFuture[]::new))
                    .get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
