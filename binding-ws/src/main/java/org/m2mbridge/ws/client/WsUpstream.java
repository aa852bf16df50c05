package org.m2mbridge.ws.client;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.m2mbridge.core.bus.ConfiguredUpstream;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.Origin;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.TlsMaterial;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.config.WsUpstreamSettings;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.ws.BridgeMetricsLabels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream CSE reached as a WebSocket CLIENT (TS-0020 6.1 T1: the bridge registers to it, so it is the client).
 * ONE persistent connection per upstream (6.2), opened at start so the upstream can push notifications at once.
 * After a close it is reopened (T5: only the client may) by the next request (T6) and, so that notifications can
 * flow again without one, in the background too; failed connects back off exponentially up to
 * {@code ws.maxReconnectDelay}, and requests meanwhile get 5103 at once. Requests go out multiplexed and correlated by rqi, at
 * most {@code ws.maxInflight} at a time (1 for ACME, which loses responses to pipelined requests, peer-quirks.md);
 * requests the upstream sends down the socket go onto the bus as coming from UPSTREAM.
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
    private final ExecutorService connector;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private volatile SSLContext ssl;
    private volatile Session session;
    private CompletableFuture<Session> connecting; // guarded by this
    private int failures; // guarded by this
    private Instant retryAt = Instant.MIN; // guarded by this
    private int inflight; // guarded by this
    private boolean stopped; // guarded by this

    private record Waiting(RequestPrimitive request, Instant deadline, CompletableFuture<ResponsePrimitive> answer) {
    }

    public WsUpstream(UpstreamConfig config, PrimitiveBus bus, Codecs codecs, BridgeMetrics metrics,
                      ScheduledExecutorService timer, long maxMessageBytes) {
        super(config);
        this.settings = config.ws();
        this.uri = URI.create(config.url());
        this.bus = bus;
        this.codecs = codecs;
        this.metrics = metrics;
        this.timer = timer;
        this.maxMessageBytes = maxMessageBytes;
        this.connector = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ws-upstream-" + config.name() + "-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens the connection now (a failure is only logged and backs off; the next request retries). */
    public void start() {
        connection().exceptionally(e -> null);
    }

    /** Closes the socket with 1001 (RFC 6455 7.4.1); waiting requests are answered 5103. */
    public void stop() {
        List<Waiting> dropped;
        Session s;
        synchronized (this) {
            stopped = true;
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            s = session;
        }
        dropped.forEach(w -> w.answer().complete(unreachable(w.request(), "upstream " + config.name() + " stopped")));
        if (s != null) {
            s.connection.close(1001, "bridge shutting down", timer);
        }
        connector.shutdownNow();
    }

    @Override
    public String binding() {
        return "ws";
    }

    /** For the status API: the client connection, if open. */
    public Optional<ConnectionView> view() {
        Session s = session;
        if (s == null || !s.connection.isOpen()) {
            return Optional.empty();
        }
        return Optional.of(new ConnectionView(s.id, binding(), uri.getAuthority(),
                s.codec.serialization().token(), List.of(), s.since, s.correlator.outstanding()));
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

    @Override
    public boolean isReachable() {
        Session s = session;
        if (s != null && s.connection.isOpen()) {
            return true;
        }
        synchronized (this) {
            return failures == 0;
        }
    }

    // ---- bridge -> upstream ---------------------------------------------------------------------------------

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(unreachable(request, "upstream " + config.name() + " stopped"));
            }
            if (inflight >= settings.maxInflight()) { // the window is full: wait in line, bounded
                if (waiting.size() >= settings.maxQueued()) {
                    metrics.limitRefusals.labelValues("ws_upstream_queue").inc();
                    return CompletableFuture.completedFuture(unreachable(request,
                            "too many requests waiting for upstream " + config.name() + " (ws.maxQueued)"));
                }
                Waiting w = new Waiting(request, deadline, new CompletableFuture<>());
                waiting.add(w);
                return w.answer();
            }
            inflight++;
        }
        return dispatch(request, deadline);
    }

    private CompletableFuture<ResponsePrimitive> dispatch(RequestPrimitive request, Instant deadline) {
        long started = System.nanoTime();
        CompletableFuture<ResponsePrimitive> answer = connection()
                .thenCompose(s -> s.send(request, deadline))
                .exceptionally(e -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    return unreachable(request, "cannot connect to upstream " + config.name() + ": "
                            + cause.getMessage());
                });
        answer.whenComplete((r, e) -> {
            metrics.upstreamRequestDuration.labelValues(config.name(), BridgeMetricsLabels.op(request))
                    .observe((System.nanoTime() - started) / 1e9);
            releaseSlot();
        });
        return answer;
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
                } else {
                    next = w;
                }
            }
            if (next == null) {
                inflight--;
            }
        }
        expired.forEach(w -> w.answer().complete(ResponsePrimitive.error(w.request(),
                ResponseStatusCode.REQUEST_TIMEOUT, "deadline passed while waiting for upstream " + config.name())));
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

    /** The open connection, or one being opened, or a failure at once while backing off. */
    private synchronized CompletableFuture<Session> connection() {
        Session s = session;
        if (s != null && s.connection.isOpen()) {
            return CompletableFuture.completedFuture(s);
        }
        if (connecting != null) {
            return connecting;
        }
        Instant now = Instant.now();
        if (now.isBefore(retryAt)) {
            return CompletableFuture.failedFuture(new IOException("connect failed " + failures
                    + " time(s), next attempt in " + Duration.between(now, retryAt).toMillis() + " ms"));
        }
        CompletableFuture<Session> opening = new CompletableFuture<>();
        connecting = opening;
        connector.execute(() -> open(opening));
        return opening;
    }

    private void open(CompletableFuture<Session> opening) {
        Session s = new Session("ws-up-" + config.name() + "-" + IDS.incrementAndGet());
        try {
            ClientConnection c = ClientConnection.open(s.id, uri, settings, sslContext(), maxMessageBytes, s);
            Optional<Serialization> known = Serialization.fromSubprotocol(c.subprotocol());
            if (known.isEmpty()) { // a configured offer that names no serialization: never run without one
                c.abort();
                throw new ClientHandshake.RefusedException("subprotocol '" + c.subprotocol()
                        + "' names no serialization");
            }
            Serialization serialization = known.get();
            s.attach(c, codecs.get(serialization));
            synchronized (this) {
                failures = 0;
                retryAt = Instant.MIN;
                connecting = null;
                session = s;
                if (stopped) {
                    c.close(1001, "bridge shutting down", timer);
                }
            }
            LOG.info("upstream {}: connected to {}{} subprotocol {}", config.name(), uri,
                    settings.proxy() == null ? "" : " through proxy " + settings.proxy().url(), c.subprotocol());
            opening.complete(s);
        } catch (IOException | RuntimeException e) {
            String kind = e instanceof ProxyTunnel.ProxyRefusedException ? "proxy"
                    : e instanceof ClientHandshake.RefusedException ? "handshake" : "connect";
            metrics.upstreamErrors.labelValues(config.name(), kind).inc();
            Duration delay;
            synchronized (this) {
                failures++;
                delay = backoff(failures);
                retryAt = Instant.now().plus(delay);
                connecting = null;
            }
            LOG.warn("upstream {}: cannot connect to {}: {} (next attempt in {} ms)", config.name(), uri,
                    e.toString(), delay.toMillis());
            opening.completeExceptionally(e);
            reconnectLater(delay.plus(RETRY_SLACK));
        }
    }

    /** A background attempt, unless stopped or a connection exists by then (connection() checks both). */
    private void reconnectLater(Duration delay) {
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                }
                connection().exceptionally(e -> null);
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

    private SSLContext sslContext() throws IOException {
        if (!uri.getScheme().equalsIgnoreCase("wss")) {
            return null;
        }
        SSLContext c = ssl;
        if (c == null) {
            try {
                c = settings.tls() != null ? TlsMaterial.clientContext(settings.tls(), "upstreams[" + config.name()
                        + "].ws.tls") : SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IOException("no default TLS context", e);
            }
            ssl = c;
        }
        return c;
    }

    private ResponsePrimitive unreachable(RequestPrimitive request, String text) {
        return ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE, text);
    }

    @Override
    public void timedOut() {
        metrics.requestTimeouts.labelValues("ws").inc();
        metrics.upstreamErrors.labelValues(config.name(), "timeout").inc();
    }

    @Override
    public void lateResponse() {
        metrics.lateResponses.labelValues("ws").inc();
    }

    // ---- one connection -------------------------------------------------------------------------------------

    /** What belongs to one socket: its codec (fixed by the subprotocol) and its outstanding requests. */
    private final class Session implements ClientConnection.Listener {
        final String id;
        final Correlator correlator;
        volatile ClientConnection connection;
        volatile PrimitiveCodec codec;
        final Instant since = Instant.now();

        Session(String id) {
            this.id = id;
            // the window bounds what is outstanding; the margin covers answers racing a freed slot
            this.correlator = new Correlator(id, timer, settings.maxInflight() + 1, WsUpstream.this);
        }

        void attach(ClientConnection c, PrimitiveCodec codec) {
            this.connection = c;
            this.codec = codec;
            metrics.wsConnections.labelValues("client", codec.serialization().token()).inc();
            c.startPings(timer, settings.pingInterval());
            c.startReading();
        }

        CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, Instant deadline) {
            Optional<Correlator.Pending> pending = correlator.expect(request, deadline);
            if (pending.isEmpty()) {
                return CompletableFuture.completedFuture(unreachable(request, "too many requests outstanding"));
            }
            RequestPrimitive wire = pending.get().wireRequest();
            count(BridgeMetrics.OUT, wire);
            if (!connection.send(codec.encode(wire), codec.serialization().isText()) || !connection.isOpen()) {
                // closed under us: its close may already have failed the others, so fail again (this socket only)
                correlator.failAll(ResponseStatusCode.TARGET_NOT_REACHABLE, "connection to upstream "
                        + config.name() + " closed");
            }
            return pending.get().response();
        }

        @Override
        public void onMessage(ClientConnection c, byte[] message, boolean text) {
            DecodeResult result = codec.decode(message);
            if (result instanceof DecodeResult.Failed failed) {
                metrics.upstreamErrors.labelValues(config.name(), "protocol").inc();
                write(failed.toResponse(), "unknown");
                return;
            }
            Primitive primitive = ((DecodeResult.Decoded) result).primitive();
            if (primitive instanceof ResponsePrimitive response) {
                countResponse(BridgeMetrics.IN, response, "unknown");
                correlator.complete(response);
            } else if (primitive instanceof RequestPrimitive request) {
                count(BridgeMetrics.IN, request);
                String op = BridgeMetricsLabels.op(request);
                if (request.rqi() == null || request.rqi().isEmpty()) {
                    write(ResponsePrimitive.error(request, ResponseStatusCode.BAD_REQUEST,
                            "request identifier parameter (rqi) is mandatory in a request"), op);
                    return;
                }
                // a notification or a request for an entity behind the bridge (TS-0020 T2)
                bus.send(request, Origin.upstream("ws", config.name())).whenComplete((response, error) ->
                        write(response != null ? response : ResponsePrimitive.error(request,
                                ResponseStatusCode.INTERNAL_SERVER_ERROR, "bridge failed to route the request"), op));
            }
        }

        private void write(ResponsePrimitive response, String op) {
            countResponse(BridgeMetrics.OUT, response, op);
            connection.send(codec.encode(response), codec.serialization().isText());
        }

        @Override
        public void onClosed(ClientConnection c, String reason) {
            LOG.info("upstream {}: connection {} closed: {}", config.name(), id, reason);
            if (codec != null) {
                metrics.wsConnections.labelValues("client", codec.serialization().token()).dec();
            }
            synchronized (WsUpstream.this) {
                if (session == this) {
                    session = null;
                }
            }
            int failed = correlator.failAll(ResponseStatusCode.TARGET_NOT_REACHABLE,
                    "connection to upstream " + config.name() + " closed: " + reason);
            if (failed > 0) {
                metrics.upstreamErrors.labelValues(config.name(), "closed").inc();
            }
            reconnectLater(FIRST_RETRY);
        }

        private void count(String direction, RequestPrimitive request) {
            metrics.primitives.labelValues("ws", direction, "request", BridgeMetricsLabels.op(request), "none").inc();
        }

        private void countResponse(String direction, ResponsePrimitive response, String op) {
            metrics.primitives.labelValues("ws", direction, "response", op,
                    ResponseStatusCode.classOf(response.rsc())).inc();
        }
    }
}
