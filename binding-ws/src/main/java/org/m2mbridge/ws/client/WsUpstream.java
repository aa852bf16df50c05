package org.m2mbridge.ws.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.m2mbridge.core.bus.ConfiguredUpstream;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.FailureTable;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.bus.UpstreamState;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.TlsMaterial;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.CloseReason;
import org.m2mbridge.core.metrics.ConnectionRole;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.metrics.UpstreamErrorKind;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.ws.message.PeerMessages;
import org.m2mbridge.ws.config.WsUpstreamSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream CSE reached as a WebSocket CLIENT (TS-0020 6.1 T1: the bridge registers to it, so it is the client).
 * By default ONE persistent connection per upstream (6.2), opened at start so the upstream can push notifications
 * at once. With {@code ws.sockets: per-entity} one persistent connection per entity registered through it instead,
 * each upgraded with {@code X-M2M-Origin: <entity-id>}, for servers that bind a socket to the originator of its
 * upgrade and push an entity's notifications only down that socket (ACME); {@link OriginatorSockets} decides which
 * socket a request takes. After a close a connection is reopened (T5: only the client may) by the next request (T6)
 * and, so that notifications can flow again without one, in the background too; failed connects back off
 * exponentially up to {@code ws.maxReconnectDelay}, and requests meanwhile get 5103 at once. Requests go out
 * multiplexed and correlated by rqi, at most {@code ws.maxInflight} at a time over all sockets (1 for ACME, which
 * loses responses to pipelined requests); requests the upstream sends down a socket go onto the bus as coming from
 * UPSTREAM.
 */
public final class WsUpstream extends ConfiguredUpstream implements Correlator.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(WsUpstream.class);
    private static final AtomicLong IDS = new AtomicLong();
    private static final Duration FIRST_RETRY = Duration.ofMillis(100);
    /** So a background attempt never lands a hair before the back-off ends and is refused by it. */
    private static final Duration RETRY_SLACK = Duration.ofMillis(20);

    private final WsUpstreamSettings settings;
    private final URI uri;
    private final PrimitiveBus bus;
    private final Codecs codecs;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final long maxMessageBytes;
    /** The library's client, made at the first connect (its TLS material is read then). Guarded by this. */
    private UpstreamClient client;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** The one socket in shared mode, else null. */
    private final UpstreamSocket shared;
    /** The sockets in per-entity mode, else null. */
    private final OriginatorSockets<UpstreamSocket> perEntity;
    /** Reachability: up while a socket is open or the last connect worked; its changes are logged once. */
    private final UpstreamState state;
    private int inflight; // guarded by this
    private boolean stopped; // guarded by this

    /** {@code expiry}: answers it 4008 at the deadline while it waits (null when the timer is gone). */
    private record Waiting(RequestPrimitive request, Instant deadline, CompletableFuture<ResponsePrimitive> answer,
                           ScheduledFuture<?> expiry) {
    }

    /** One client socket: the X-M2M-Origin of its upgrade and its connection state. */
    private final class UpstreamSocket {
        /** Sent as X-M2M-Origin on the upgrade, or null. */
        final String origin;
        volatile Session session;
        CompletableFuture<Session> connecting; // guarded by WsUpstream.this
        int failures; // guarded by WsUpstream.this
        Instant retryAt = Instant.MIN; // guarded by WsUpstream.this
        /** No longer wanted: closed once open, never reopened. Guarded by WsUpstream.this. */
        boolean retired;

        UpstreamSocket(String origin) {
            this.origin = origin;
        }
    }

    public WsUpstream(UpstreamConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                      ScheduledExecutorService timer, long maxMessageBytes) {
        super(config);
        this.settings = WsUpstreamSettings.of(config);
        this.uri = URI.create(config.url());
        this.bus = bus;
        this.codecs = codecs;
        this.metrics = metrics;
        this.timer = timer;
        this.maxMessageBytes = maxMessageBytes;
        this.state = new UpstreamState(config.name(), true, "not connected yet");
        if (settings.socketPerEntity()) {
            this.shared = null;
            this.perEntity = new OriginatorSockets<>(settings.maxSockets(), UpstreamSocket::new);
        } else {
            this.shared = new UpstreamSocket(settings.originHeader());
            this.perEntity = null;
        }
    }

    /**
     * Opens the connection now (a failure is only logged and backs off; the next request retries); per-entity, one
     * for each entity already registered through this upstream (a durable registry outlives a restart).
     */
    public void start() {
        if (shared != null) {
            connection(shared).exceptionally(e -> null);
            return;
        }
        bus.registrations().stream().filter(r -> r.upstream().equals(config.name())).forEach(this::entityRegistered);
    }

    /** Per-entity: the entity's own socket, opened now so the upstream can push its notifications at once. */
    @Override
    public void entityRegistered(Registration registration) {
        if (perEntity != null) {
            ownSocket(registration.entityId());
        }
    }

    private void ownSocket(String entityId) {
        Optional<UpstreamSocket> own = perEntity.own(entityId);
        if (own.isEmpty()) {
            metrics.limitRefused(Limit.WS_UPSTREAM_SOCKETS);
            LOG.warn("upstream {}: no socket for entity {}: ws.maxSockets ({}) reached", config.name(), entityId,
                    settings.maxSockets());
            return;
        }
        connection(own.get()).exceptionally(e -> null);
    }

    /** Per-entity: the entity's socket is closed once nothing is in flight on it. */
    @Override
    public void entityDeregistered(Registration registration) {
        if (perEntity != null) {
            perEntity.disown(registration.entityId()).ifPresent(s -> retire(s, "entity deregistered"));
        }
    }

    /** Closes the socket with 1001 (RFC 6455 7.4.1); waiting requests are answered 5103. */
    public void stop() {
        List<Waiting> dropped;
        UpstreamClient c;
        synchronized (this) {
            stopped = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            c = client;
        }
        dropped.forEach(w -> w.answer().complete(unreachable(w.request(), "upstream " + config.name() + " stopped")));
        for (UpstreamSocket socket : sockets()) {
            Session s = socket.session;
            if (s != null) {
                s.connection.close(1001, "bridge shutting down", timer);
            }
        }
        if (c != null) {
            c.stop(); // waits up to its stop timeout for the closing handshakes
        }
    }

    /** Every socket there is (open or not). */
    private List<UpstreamSocket> sockets() {
        return shared != null ? List.of(shared) : perEntity.all();
    }

    @Override
    public String binding() {
        return "ws";
    }

    /** For the status API: the (first) open client connection, if any. */
    public Optional<ConnectionView> view() {
        return views().stream().findFirst();
    }

    /** For the status API: every open client connection (one, or one per entity). */
    public List<ConnectionView> views() {
        List<ConnectionView> out = new ArrayList<>();
        for (UpstreamSocket socket : sockets()) {
            Session s = socket.session;
            if (s != null && s.connection.isOpen()) {
                out.add(new ConnectionView(s.id, binding(), uri.getAuthority(), s.codec.serialization().token(),
                        List.of(), s.since, s.correlator.outstanding()));
            }
        }
        return out;
    }

    /**
     * The upstream reaches entities registered through the bridge over this same socket, so by default nothing is
     * announced ({@code upstreams[].ws.poa}, WsUpstreamSettings: TS-0020 gives a WebSocket client without a server
     * no ws URI; ACME needs {@code ws://default}, CR SDS-2024-0021). Pointing it at the bridge's own listener instead
     * would make the upstream open connections towards the bridge, which TS-0020 T1 does not foresee for a
     * registrar. A bridge on the other end rewrites poa itself anyway.
     */
    @Override
    public List<String> pointOfAccess(String token, String entityId) {
        return settings.poa();
    }

    /** The extensions the first open socket negotiated (permessage-deflate when the server agreed, RFC 7692). */
    List<String> extensions() {
        for (UpstreamSocket socket : sockets()) {
            Session s = socket.session;
            if (s != null && s.connection.isOpen()) {
                return s.connection.extensions();
            }
        }
        return List.of();
    }

    @Override
    public boolean isReachable() {
        return anyOpen() || state.isUp();
    }

    @Override
    public UpstreamHealth health() {
        UpstreamHealth h = state.health();
        return h.up() || !anyOpen() ? h : new UpstreamHealth(true, "a connection is open", h.since());
    }

    private boolean anyOpen() {
        for (UpstreamSocket socket : sockets()) {
            Session s = socket.session;
            if (s != null && s.connection.isOpen()) {
                return true;
            }
        }
        return false;
    }

    // ---- bridge -> upstream ---------------------------------------------------------------------------------

    /**
     * Every request ends by its deadline here, under one timer at a time: while it waits for a slot in the window or
     * for the connection to open, its own expiry; on the socket, the socket's {@link Correlator}. The bus therefore
     * adds no guard timer of its own (one deadline timer per exchange).
     */
    @Override
    public boolean completesByDeadline() {
        return true;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(unreachable(request, "upstream " + config.name() + " stopped"));
            }
            if (inflight >= settings.maxInflight()) { // the window is full: wait in line, bounded
                if (waiting.size() >= settings.maxQueued()) {
                    metrics.limitRefused(Limit.WS_UPSTREAM_QUEUE);
                    return CompletableFuture.completedFuture(unreachable(request,
                            "too many requests waiting for upstream " + config.name() + " (ws.maxQueued)")
                            .withFlag(ResponseFlag.UO));
                }
                CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
                // a slot may not free up before the deadline
                waiting.add(new Waiting(request, deadline, answer, expireAt(answer, request, deadline)));
                return answer;
            }
            inflight++;
        }
        return dispatch(request, deadline);
    }

    private CompletableFuture<ResponsePrimitive> dispatch(RequestPrimitive request, Instant deadline) {
        long started = System.nanoTime();
        Optional<UpstreamSocket> socket = socketFor(request);
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        CompletableFuture<Session> opened = socket.map(this::connection).orElseGet(() ->
                CompletableFuture.failedFuture(new IOException("too many sockets open (ws.maxSockets)")));
        // opening may take up to ws.connectTimeout; the socket's correlator only guards requests sent on it
        ScheduledFuture<?> expiry = opened.isDone() ? null : expireAt(answer, request, deadline);
        opened.whenComplete((s, e) -> {
            if (e != null) {
                openFailed(answer, request, e, deadline);
            } else if (expiry == null || expiry.cancel(false)) { // else the deadline is answering it right now
                s.send(request, deadline).thenAccept(answer::complete);
            }
        });
        answer.whenComplete((r, e) -> {
            if (perEntity != null) {
                // the entity a registration created owns its socket before the registration's socket is let go:
                // the bus calls entityRegistered (which connects it), but not necessarily before this runs
                registeredEntity(request, r).ifPresent(perEntity::own);
                socket.filter(perEntity::release).ifPresent(s -> retire(s, "no request of its originator left"));
            }
            releaseSlot();
        });
        return answer;
    }

    /** Shared: the one socket. Per-entity: the socket of the entity {@code request} speaks for. */
    private Optional<UpstreamSocket> socketFor(RequestPrimitive request) {
        if (shared != null) {
            return Optional.of(shared);
        }
        Optional<UpstreamSocket> socket = perEntity.acquire(originatorOf(request));
        if (socket.isEmpty()) {
            metrics.limitRefused(Limit.WS_UPSTREAM_SOCKETS);
        }
        return socket;
    }

    /**
     * The originator {@code request}'s socket is upgraded as: the registered entity it comes from, else its
     * {@code fr}; null for a registration whose {@code fr} asks for an ID ("C", "S" or none, TS-0001 10.2.2.2),
     * which an ACME-style server accepts on a socket without X-M2M-Origin (and only there, for an AE).
     */
    private String originatorOf(RequestPrimitive request) {
        String fr = request.fr();
        if (fr == null || fr.length() <= 1) {
            return null;
        }
        // an exact entity ID is found first; an expired registration is not (then fr is all there is)
        return bus.findEntity(fr).filter(r -> r.upstream().equals(config.name())).map(Registration::entityId)
                .orElse(fr);
    }

    /** The AE-ID ({@code aei}) or CSE-ID ({@code csi}) a registration answered 2001 created, if it says. */
    private static Optional<String> registeredEntity(RequestPrimitive request, ResponsePrimitive response) {
        if (!request.isRegistration() || response == null || response.rsc() != ResponseStatusCode.CREATED.code()
                || response.pc() == null) {
            return Optional.empty();
        }
        JsonNode id = response.pc().path("m2m:ae").path("aei");
        if (!id.isTextual()) {
            id = response.pc().path("m2m:csr").path("csi");
        }
        return id.isTextual() && !id.asText().isEmpty() ? Optional.of(id.asText()) : Optional.empty();
    }

    /** Closes {@code socket} (1000) and keeps it closed. */
    private void retire(UpstreamSocket socket, String why) {
        Session s;
        synchronized (this) {
            socket.retired = true;
            s = socket.session;
        }
        if (s != null) {
            s.connection.close(1000, why, timer);
        }
    }

    /** Shared, or owned by a registered entity: reopened in the background when it drops. */
    private boolean kept(UpstreamSocket socket) {
        return socket == shared || perEntity != null && perEntity.isOwned(socket);
    }

    /** Hands the freed window slot to the next waiting request still inside its deadline. */
    private void releaseSlot() {
        List<Waiting> expired = new ArrayList<>();
        Waiting next = null;
        synchronized (this) {
            while (!waiting.isEmpty() && next == null) {
                Waiting w = waiting.poll();
                if (w.answer().isDone()) {
                    continue;
                }
                if (!w.deadline().isAfter(Instant.now())) {
                    expired.add(w);
                } else if (w.expiry() == null || w.expiry().cancel(false)) { // from here the socket's deadline
                    next = w;
                }
            }
            if (next == null) {
                inflight--;
            }
        }
        expired.forEach(w -> expire(w.answer(), w.request()));
        if (next != null) {
            Waiting w = next;
            // on the timer, not here: while backing off every dispatch fails at once, and a long line would
            // otherwise recurse through this method once per waiting request
            try {
                timer.execute(() -> dispatch(w.request(), w.deadline()).thenAccept(w.answer()::complete));
            } catch (RejectedExecutionException e) {
                w.answer().complete(unreachable(w.request(), "bridge shutting down"));
                releaseSlot();
            }
        }
    }

    /** The socket's open connection, or one being opened, or a failure at once while backing off. */
    private CompletableFuture<Session> connection(UpstreamSocket socket) {
        CompletableFuture<Session> opening;
        UpstreamClient c = null;
        Exception unusable = null;
        synchronized (this) {
            Session s = socket.session;
            if (s != null && s.connection.isOpen()) {
                return CompletableFuture.completedFuture(s);
            }
            if (socket.connecting != null) {
                return socket.connecting;
            }
            if (stopped) {
                return CompletableFuture.failedFuture(new IOException("upstream " + config.name() + " stopped"));
            }
            Instant now = Instant.now();
            if (now.isBefore(socket.retryAt)) {
                return CompletableFuture.failedFuture(new IOException("connect failed " + socket.failures
                        + " time(s), next attempt in " + Duration.between(now, socket.retryAt).toMillis() + " ms"));
            }
            opening = new CompletableFuture<>();
            socket.connecting = opening;
            try {
                c = client();
            } catch (IOException | RuntimeException e) { // its TLS material cannot be read: a failed connect
                unusable = e;
            }
        }
        // outside the lock: a connect that fails at once completes (and runs its callbacks) on this thread
        if (unusable != null) {
            connectFailed(socket, opening, unusable);
        } else {
            open(c, socket, opening);
        }
        return opening;
    }

    /** Starts opening a socket; nothing here waits (the library connects, tunnels and upgrades asynchronously). */
    private void open(UpstreamClient c, UpstreamSocket socket, CompletableFuture<Session> opening) {
        Session s = new Session("ws-up-" + config.name() + "-" + IDS.incrementAndGet(), socket);
        c.open(new ClientConnection(s.id, s), socket.origin).whenComplete((connection, e) -> {
            if (e == null && s.codec == null) { // a configured offer that names no serialization: never run without one
                connection.abort();
                e = new WsFailures.HandshakeRefusedException("subprotocol '" + connection.subprotocol()
                        + "' names no serialization");
            }
            if (e != null) {
                connectFailed(socket, opening, FailureTable.unwrap(e));
            } else {
                opened(socket, opening, s, connection);
            }
        });
    }

    private void opened(UpstreamSocket socket, CompletableFuture<Session> opening, Session s, ClientConnection c) {
        s.attach(c);
        state.up("connected to " + uri + (socket.origin == null ? "" : " as " + socket.origin));
        synchronized (this) {
            socket.failures = 0;
            socket.retryAt = Instant.MIN;
            socket.connecting = null;
            socket.session = s;
            if (stopped) {
                c.close(1001, "bridge shutting down", timer);
            } else if (socket.retired) {
                c.close(1000, "no longer needed", timer);
            }
        }
        LOG.info("upstream {}: connected to {}{} subprotocol {} extensions {}{}", config.name(), uri,
                settings.proxy() == null ? "" : " through proxy " + settings.proxy().url(), c.subprotocol(),
                c.extensions(), socket.origin == null ? "" : " as " + socket.origin);
        opening.complete(s);
    }

    private void connectFailed(UpstreamSocket socket, CompletableFuture<Session> opening, Throwable e) {
        UpstreamErrorKind kind = e instanceof WsFailures.ProxyRefusedException ? UpstreamErrorKind.PROXY
                : e instanceof WsFailures.HandshakeRefusedException ? UpstreamErrorKind.HANDSHAKE
                : UpstreamErrorKind.CONNECT;
        metrics.upstreamError(config.name(), kind);
        if (!anyOpen()) {
            state.down("cannot connect to " + uri + ": " + e);
        }
        Duration delay;
        synchronized (this) {
            socket.failures++;
            delay = backoff(socket.failures);
            socket.retryAt = Instant.now().plus(delay);
            socket.connecting = null;
        }
        LOG.warn("upstream {}: cannot connect to {}: {} (next attempt in {} ms)", config.name(), uri,
                e.toString(), delay.toMillis());
        opening.completeExceptionally(e);
        reconnectLater(socket, delay.plus(RETRY_SLACK));
    }

    /**
     * A background attempt for a socket that is kept (shared, or a registered entity's), unless stopped or a
     * connection exists by then (connection() checks that).
     */
    private void reconnectLater(UpstreamSocket socket, Duration delay) {
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    if (stopped || socket.retired) {
                        return;
                    }
                }
                if (kept(socket)) {
                    connection(socket).exceptionally(e -> null);
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("upstream {}: timer stopped, no reconnect", config.name());
        }
    }

    /** 100 ms, 200 ms, 400 ms ... capped at {@code ws.maxReconnectDelay}. */
    private Duration backoff(int failed) {
        long ms = FIRST_RETRY.toMillis() << Math.min(failed - 1, 20);
        return Duration.ofMillis(Math.min(ms, settings.maxReconnectDelay().toMillis()));
    }

    /** The library's client, made once (so a TLS material error is a failed connect, retried, not a crash). */
    private UpstreamClient client() throws IOException {
        if (client == null) {
            client = new UpstreamClient(config.name(), uri, settings, sslContext(), maxMessageBytes);
        }
        return client;
    }

    private SSLContext sslContext() throws IOException {
        if (!uri.getScheme().equalsIgnoreCase("wss")) {
            return null;
        }
        try {
            return settings.tls() != null ? TlsMaterial.clientContext(settings.tls(), "upstreams[" + config.name()
                    + "].ws.tls") : SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context", e);
        }
    }

    private ResponsePrimitive unreachable(RequestPrimitive request, String text) {
        return ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE, text, ResponseFlag.UF);
    }

    /**
     * The connection could not be opened for {@code request}: the one outcome table says what it gets. Only the
     * one that completes {@code answer} counts a timeout, so a deadline timer racing it never counts twice.
     */
    private void openFailed(CompletableFuture<ResponsePrimitive> answer, RequestPrimitive request, Throwable e,
                            Instant deadline) {
        Throwable cause = FailureTable.unwrap(e);
        TransportFailure f = WsFailures.of(cause, !Instant.now().isBefore(deadline));
        if (answer.complete(f.answer(request, peer(), f == TransportFailure.TIMEOUT ? null : cause.getMessage()))
                && f == TransportFailure.TIMEOUT) {
            timedOut();
        }
    }

    /** Answers {@code answer} 4008 at {@code deadline} unless it is answered by then; null if the timer is gone. */
    private ScheduledFuture<?> expireAt(CompletableFuture<ResponsePrimitive> answer, RequestPrimitive request,
                                        Instant deadline) {
        long ms = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            ScheduledFuture<?> t = timer.schedule(() -> expire(answer, request), ms, TimeUnit.MILLISECONDS);
            answer.whenComplete((r, e) -> t.cancel(false));
            return t;
        } catch (RejectedExecutionException e) {
            LOG.debug("upstream {}: timer stopped, no deadline for {}", config.name(), request.rqi());
            return null;
        }
    }

    private void expire(CompletableFuture<ResponsePrimitive> answer, RequestPrimitive request) {
        if (answer.complete(TransportFailure.TIMEOUT.answer(request, peer(), null))) {
            timedOut();
        }
    }

    private String peer() {
        return "upstream " + config.name();
    }

    @Override
    public void timedOut() {
        metrics.requestTimeouts.labelValues("ws").inc();
        metrics.upstreamError(config.name(), TransportFailure.TIMEOUT.errorKind());
    }

    @Override
    public void lateResponse() {
        metrics.lateResponses.labelValues("ws").inc();
    }

    // ---- one connection -------------------------------------------------------------------------------------

    /** What belongs to one socket: its codec (fixed by the subprotocol) and its outstanding requests. */
    private final class Session implements ClientConnection.Listener {
        final String id;
        final UpstreamSocket socket;
        final Correlator correlator;
        volatile ClientConnection connection;
        volatile PrimitiveCodec codec;
        final Instant since = Instant.now();

        Session(String id, UpstreamSocket socket) {
            this.id = id;
            this.socket = socket;
            // the window bounds what is outstanding; the margin covers answers racing a freed slot
            this.correlator = new Correlator(id, timer, settings.maxInflight() + 1, WsUpstream.this);
        }

        /** The subprotocol fixes the codec before any message can arrive. */
        @Override
        public void onOpen(ClientConnection c) {
            this.connection = c;
            Serialization.fromSubprotocol(c.subprotocol()).ifPresent(s -> codec = codecs.get(s));
        }

        void attach(ClientConnection c) {
            metrics.wsConnections.labelValues(ConnectionRole.CLIENT.label(), codec.serialization().token()).inc();
            metrics.connectionOpened(binding(), ConnectionRole.CLIENT);
            c.startPings(timer, settings.pingInterval());
            c.start();
        }

        CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Instant deadline) {
            Optional<Correlator.Pending> pending = correlator.expect(request, deadline);
            if (pending.isEmpty()) {
                return CompletableFuture.completedFuture(unreachable(request, "too many requests outstanding"));
            }
            RequestPrimitive wire = pending.get().wireRequest();
            if (!connection.send(codec.encode(wire), codec.serialization().isText()) || !connection.isOpen()) {
                // closed under us: its close may already have failed the others, so fail again (this socket only)
                correlator.failAll(TransportFailure.CLOSED.rsc(), TransportFailure.CLOSED.describe(peer()));
            }
            return pending.get().response();
        }

        @Override
        public void onMessage(ClientConnection c, byte[] message, boolean text) {
            if (codec == null) { // a connection being refused: its subprotocol names no serialization
                return;
            }
            PeerMessages.receive(codec, message, failed -> {
                metrics.upstreamError(config.name(), UpstreamErrorKind.PROTOCOL);
                answeredLocally(null, failed.toResponse());
            }, correlator::complete, this::onRequest);
        }

        /** A notification or a request for an entity behind the bridge (TS-0020 T2). */
        private void onRequest(RequestPrimitive request) {
            Optional<ResponsePrimitive> noRqi = PeerMessages.missingRqi(request);
            if (noRqi.isPresent()) {
                answeredLocally(request, noRqi.get());
                return;
            }
            PeerMessages.forward(bus, request, ingress()).thenAccept(this::write);
        }

        private Ingress ingress() {
            return Ingress.upstream(binding(), config.name());
        }

        /** An answer given before the bus: counted and logged as the bus's exchanges are. */
        private void answeredLocally(RequestPrimitive request, ResponsePrimitive response) {
            bus.answeredLocally(request, ingress(), response);
            write(response);
        }

        private void write(ResponsePrimitive response) {
            connection.send(codec.encode(response), codec.serialization().isText());
        }

        @Override
        public void onClosed(ClientConnection c, String reason) {
            CloseReason why = c.closeReason() == null ? CloseReason.ERROR : c.closeReason();
            LOG.info("upstream {}: connection {} closed: {} ({})", config.name(), id, why.label(), reason);
            if (codec != null) {
                metrics.wsConnections.labelValues(ConnectionRole.CLIENT.label(), codec.serialization().token()).dec();
            }
            metrics.connectionClosed(binding(), why);
            boolean lost;
            synchronized (WsUpstream.this) {
                if (socket.session == this) {
                    socket.session = null;
                }
                lost = !stopped && !socket.retired;
            }
            if (lost && !anyOpen()) {
                state.down("connection " + id + " closed: " + why.label() + " (" + reason + ")");
            }
            int failed = correlator.failAll(TransportFailure.CLOSED.rsc(),
                    TransportFailure.CLOSED.describe(peer()) + ": " + reason);
            if (failed > 0) {
                metrics.upstreamError(config.name(), TransportFailure.CLOSED.errorKind());
            }
            reconnectLater(socket, FIRST_RETRY);
        }
    }
}
