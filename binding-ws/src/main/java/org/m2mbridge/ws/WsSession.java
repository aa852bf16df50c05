package org.m2mbridge.ws;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.budget.ShedReason;
import org.m2mbridge.core.bus.Correlator;
import org.m2mbridge.core.bus.EntityDirectory;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.bus.LinkClosedException;
import org.m2mbridge.core.bus.LocalAnswers;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.dialect.DialectRepair;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.CloseReason;
import org.m2mbridge.core.metrics.Limit;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.ws.message.PeerMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * One WebSocket connection from a device (TS-0020 6.1): carries zero or more bound entities (T4: several AEs of one
 * node may share it), requests and responses in both directions (T2), in the serialization its subprotocol fixed.
 * Requests from the device go to the bus through the {@link RegistrationGate}; requests from the bus for a bound
 * entity go down the socket and are correlated by (this session, rqi). Never blocks: it runs on XNIO I/O threads,
 * bus threads and the timer.
 */
final class WsSession implements Link, Correlator.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(WsSession.class);
    private static final AtomicLong IDS = new AtomicLong();
    /** How long a peer gets to answer our close frame before the socket is dropped. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    /** What a session needs from its binding; one per binding. */
    record Environment(PrimitiveBus bus, EntityDirectory directory, BridgeMetrics metrics,
                       ScheduledExecutorService timer, RegistrationGate gate, LimitsConfig limits, long maxQueuedBytes, InboundBudget budget) {
    }

    private final String id = "ws-" + IDS.incrementAndGet();
    private final WebSocketChannel channel;
    private final PrimitiveCodec codec;
    private final Environment env;
    private final OriginatorGrant grant;
    private final DialectRepair dialect;
    private final DialectRepair.Notes dialectNotes;
    private final RequestRate rate;
    private final Correlator correlator;
    private final Set<String> entities = ConcurrentHashMap.newKeySet();
    private final AtomicInteger inflightUp = new AtomicInteger();
    /** Registrations forwarded but not yet answered: they count against maxEntities like bound entities. */
    private final AtomicInteger registering = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** What this connection holds of the process's inbound budget: its partial message and its send queue. */
    private final InboundBudget.Account account;
    private final MessageAssembly assembly;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicReference<PendingClose> closeWhenIdle = new AtomicReference<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final Instant since = Instant.now();
    /** Who closed first, with which code and why: the close log line and {@code connections_closed_total}. */
    private final AtomicReference<ConnectionLog.Close> closeNote = new AtomicReference<>();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile Duration idleTimeout = Duration.ZERO;
    private volatile boolean awaitingPong;
    private volatile ScheduledFuture<?> keepalive;

    private record PendingClose(int code, String reason) {
    }

    WsSession(WebSocketChannel channel, PrimitiveCodec codec, Environment env, OriginatorGrant grant,
              DialectRepair dialect) {
        this.channel = channel;
        this.codec = codec;
        this.env = env;
        this.grant = grant;
        this.dialect = dialect;
        this.dialectNotes = dialect.notes(id);
        LimitsConfig limits = env.limits();
        this.rate = new RequestRate(limits.requestsPerSecondPerConnection(), limits.requestBurstPerConnection());
        this.correlator = new Correlator(id, env.timer(), limits.maxInflightPerConnection(), this);
        // The budget calls shed() only for an account that holds bytes or has a message under way, so never
        // before this constructor has returned.
        this.account = env.budget().open(this::shed);
        this.assembly = new MessageAssembly(this, account, limits, env.metrics());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String binding() {
        return "ws";
    }

    String subprotocolToken() {
        return codec.serialization().token();
    }

    boolean carries(String entityId) {
        return entities.contains(entityId);
    }

    /** True once an entity is registered or re-identified on this connection (it may send larger messages). */
    boolean carriesEntities() {
        return !entities.isEmpty();
    }

    MessageAssembly assembly() {
        return assembly;
    }

    OriginatorGrant grant() {
        return grant;
    }

    int entityCount() {
        return entities.size() + registering.get();
    }

    boolean hasRoomForEntity() {
        return entityCount() < env.limits().maxEntitiesPerConnection();
    }

    /** Holds a slot for a registration on its way to the CSE; freed when it is answered. */
    boolean reserveEntitySlot() {
        if (registering.incrementAndGet() + entities.size() > env.limits().maxEntitiesPerConnection()) {
            registering.decrementAndGet();
            return false;
        }
        return true;
    }

    CompletableFuture<Void> closedFuture() {
        return closed;
    }

    /** For the status API: who is connected, what it carries, how busy it is. */
    ConnectionView view() {
        return new ConnectionView(id, binding(), remoteAddress(), subprotocolToken(), List.copyOf(entities), since,
                inflightUp.get() + correlator.outstanding());
    }

    String remoteAddress() {
        return channel.getPeerAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(channel.getPeerAddress());
    }

    // ---- bus -> device --------------------------------------------------------------------------------------

    /** Its correlator answers 4008 at the deadline: the bus needs no guard timer (one timer per exchange). */
    @Override
    public boolean completesByDeadline() {
        return true;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        if (closing.get()) {
            return CompletableFuture.failedFuture(new LinkClosedException("connection " + id + " is closing"));
        }
        Optional<Correlator.Pending> pending = correlator.expect(request, deadline);
        if (pending.isEmpty()) {
            env.metrics().limitRefused(Limit.WS_INFLIGHT);
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request,
                    ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    "too many requests outstanding on connection " + id + " (limits.maxInflightPerConnection)",
                    ResponseFlag.UO));
        }
        write(pending.get().wireRequest());
        return pending.get().response().whenComplete((r, e) -> closeIfIdle());
    }

    @Override
    public void entityBound(String entityId) {
        entities.add(entityId);
        // A pending takeover close (1000) is void once the connection carries an entity again; shutdown is not.
        closeWhenIdle.getAndUpdate(r -> r != null && r.code() == 1000 ? null : r);
    }

    @Override
    public void entityUnbound(String entityId) {
        entities.remove(entityId);
        // Taken over by a newer connection (still registered) rather than deregistered by a DELETE (keep socket).
        boolean takenOver = env.directory().registration(entityId).isPresent();
        if (takenOver && entities.isEmpty()) {
            closeWhenIdle(1000, "entities moved to a newer connection");
        }
    }

    // ---- device -> bus --------------------------------------------------------------------------------------

    /** A whole WebSocket message; {@code textFrame} tells its opcode. Runs on an I/O thread. */
    void onMessage(byte[] bytes, boolean textFrame) {
        lastHeardNanos = System.nanoTime();
        // a request is repaired (listeners.<ws|wss>.dialect) before the gate sees it
        PeerMessages.receive(codec, bytes, failed -> onUndecodable(failed, textFrame), correlator::complete,
                request -> onRequest(dialect.repair(request, dialectNotes)));
    }

    private void onUndecodable(DecodeResult.Failed failed, boolean textFrame) {
        if (textFrame != codec.serialization().isText()) {
            // docs/spec/websocket.md WS-FRAME-2: wrong frame type that does not decode either.
            closeNow(1003, (textFrame ? "text" : "binary") + " frame does not carry "
                    + codec.serialization().token() + " on this connection");
            return;
        }
        env.metrics().rejected(RejectReason.BAD_REQUEST);
        refuse(null, failed.toResponse());
    }

    private void onRequest(RequestPrimitive request) {
        Optional<ResponsePrimitive> noRqi = PeerMessages.missingRqi(request);
        if (noRqi.isPresent()) {
            env.metrics().rejected(RejectReason.BAD_REQUEST);
            refuse(request, noRqi.get().withFlag(ResponseFlag.BR));
            return;
        }
        if (!rate.tryAcquire()) {
            env.metrics().limitRefused(Limit.WS_REQUEST_RATE);
            refuse(request, ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    "rate limit: too many requests on this connection (limits.requestsPerSecondPerConnection)",
                    ResponseFlag.UO));
            return;
        }
        RegistrationGate.Decision decision = env.gate().decide(request, this);
        if (decision.refusal().isPresent()) {
            refuse(request, decision.refusal().get());
            return;
        }
        boolean holdsEntitySlot = request.isRegistration(); // reserved by the gate
        if (inflightUp.incrementAndGet() > env.limits().maxInflightPerConnection()) {
            inflightUp.decrementAndGet();
            if (holdsEntitySlot) {
                registering.decrementAndGet();
            }
            env.metrics().limitRefused(Limit.WS_INFLIGHT);
            refuse(request, ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                    "too many requests in flight on this connection (limits.maxInflightPerConnection)",
                    ResponseFlag.UO));
            return;
        }
        PeerMessages.forward(env.bus(), request, Ingress.downstream(this)).thenAccept(response -> {
            inflightUp.decrementAndGet();
            if (holdsEntitySlot) {
                registering.decrementAndGet(); // bound by now if it succeeded
            }
            write(response);
            closeIfIdle();
        });
    }

    /** An answer the session gives itself, before the bus: counted and logged like a bus exchange. */
    private void refuse(RequestPrimitive request, ResponsePrimitive response) {
        env.bus().answeredLocally(request, Ingress.downstream(this), response);
        LocalAnswers.answered(response.rsc(), response.rqi(), request == null ? null : request.fr(),
                id + ": " + (response.pc() == null ? "refused" : response.pc().path("m2m:dbg").asText("refused")));
        write(response);
    }

    // ---- wire -----------------------------------------------------------------------------------------------

    /**
     * Queues one message. {@link WebSockets} queues without bound, so bytes not yet taken by the socket are counted
     * and a reader that falls {@code maxQueuedBytes} behind is closed (1008) instead of growing memory. They count
     * against the inbound budget too: a send it cannot pay for has shed this connection (or a larger one).
     */
    private void write(Primitive primitive) {
        if (closing.get() && !channel.isOpen()) {
            return;
        }
        byte[] bytes = codec.encode(primitive);
        long queued = queuedBytes.addAndGet(bytes.length);
        if (queued > env.maxQueuedBytes()) {
            queuedBytes.addAndGet(-bytes.length);
            env.metrics().limitRefused(Limit.WS_SEND_QUEUE);
            closeNow(1008, "peer reads too slowly: outbound queue over ws.maxQueuedBytes");
            return;
        }
        if (!account.reserve(bytes.length)) {
            queuedBytes.addAndGet(-bytes.length); // shed: shed() is closing this connection
            return;
        }
        WebSocketCallback<Void> done = new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                sent();
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                sent();
                LOG.debug("{}: send failed: {}", id, throwable.toString());
            }

            private void sent() {
                queuedBytes.addAndGet(-bytes.length);
                account.release(bytes.length);
            }
        };
        DataFrameSender.send(channel, bytes, codec.serialization().isText(), done);
    }

    // ---- liveness and closing -------------------------------------------------------------------------------

    /**
     * Server pings (not in TS-0020; devices sit behind NAT, docs/spec/websocket.md WS-KEEP-1): a pong that has not come
     * back by the next ping closes the connection with 1011 "pong timeout", as ACME does.
     */
    void startKeepalive(Duration interval) {
        long ms = interval.toMillis();
        keepalive = env.timer().scheduleAtFixedRate(this::pingTick, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void pingTick() {
        if (closing.get()) {
            return;
        }
        if (awaitingPong) {
            closeNow(1011, "pong timeout");
            return;
        }
        awaitingPong = true;
        WebSockets.sendPing(ByteBuffer.wrap(id.getBytes(java.nio.charset.StandardCharsets.US_ASCII)), channel, null);
    }

    void pongReceived() {
        lastHeardNanos = System.nanoTime();
        awaitingPong = false;
    }

    /** {@code ws.idleTimeout}, so a close without a close frame after that long a silence is told as idle. */
    void idleTimeout(Duration idle) {
        idleTimeout = idle;
    }

    /** Undertow closes with {@code code} by itself (a message over the size limit): noted for the close line. */
    void closedByUndertow(int code, String reason) {
        closeNote.compareAndSet(null, new ConnectionLog.Close(CloseReason.ofOwnClose(code), code, reason, true));
    }

    /** The device sent a close frame first with {@code code} and {@code reason} (RFC 6455 5.5.1). */
    void peerClosed(int code, String reason) {
        closeNote.compareAndSet(null, new ConnectionLog.Close(CloseReason.PEER_CLOSE, code, reason, false));
    }

    /** Closes once no response is owed in either direction (TS-0020 7.5 N2/N3), e.g. after a takeover. */
    void closeWhenIdle(int code, String reason) {
        closeWhenIdle.set(new PendingClose(code, reason));
        closeIfIdle();
    }

    boolean isIdle() {
        return inflightUp.get() == 0 && correlator.outstanding() == 0;
    }

    private void closeIfIdle() {
        PendingClose r = closeWhenIdle.get();
        if (r != null && isIdle() && closeWhenIdle.compareAndSet(r, null)) {
            closeNow(r.code(), r.reason());
        }
    }

    /** Starts the closing handshake (RFC 6455 7); drops the socket if the peer does not answer in time. */
    void closeNow(int code, String reason) {
        close(code, reason, false);
    }

    /**
     * Fails the connection (RFC 6455 7.1.7): reads nothing more, sends the close frame and drops the socket once it
     * is out, without waiting for the peer's. For a peer that broke a limit while sending.
     */
    void fail(int code, String reason) {
        close(code, reason, true);
    }

    /**
     * Shed by the inbound budget ({@code core.budget}): its partial message is dropped on its I/O thread and the
     * connection failed, 1013 when the budget ran out (the peer may try again later), 1008 for a message not
     * finished in time. Called from any thread.
     */
    private void shed(ShedReason reason) {
        DataFrameSender.onIoThread(channel, assembly::discard);
        if (reason == ShedReason.MEMORY_BUDGET) {
            fail(1013, "bridge overloaded: inbound memory budget spent (limits.inboundBudgetBytes), try again later");
        } else {
            fail(1008, "message not completed within limits.messageAssemblyTimeout ("
                    + env.limits().messageAssemblyTimeout().toMillis() + " ms)");
        }
    }

    private void close(int code, String reason, boolean failing) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closeNote.compareAndSet(null, new ConnectionLog.Close(CloseReason.ofOwnClose(code), code, reason, true));
        LOG.debug("{}: closing {} {}", id, code, reason);
        WebSocketCallback<Void> then = failing ? new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                IoUtils.safeClose(ch);
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                IoUtils.safeClose(ch);
            }
        } : null;
        // behind any response already queued on the I/O thread (DataFrameSender): answered, then closed
        if (!DataFrameSender.onIoThread(channel, () -> {
            if (failing) {
                channel.suspendReceives();
            }
            WebSockets.sendClose(code, reason, channel, then);
        })) {
            IoUtils.safeClose(channel);
        }
        env.timer().schedule(() -> {
            if (channel.isOpen()) {
                IoUtils.safeClose(channel);
            }
        }, CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The channel closed (either side): fail what the device still owed, unbind, never deregister (R4). */
    void onClosed() {
        closing.set(true);
        account.close();
        ScheduledFuture<?> k = keepalive;
        if (k != null) {
            k.cancel(false);
        }
        correlator.closeAll("connection " + id + " closed"); // the bus stores these for the next connection
        ConnectionLog.Close note = closeNote.get();
        if (note == null) { // dropped without a close frame either way
            boolean idle = !idleTimeout.isZero()
                    && System.nanoTime() - lastHeardNanos >= idleTimeout.toNanos();
            note = new ConnectionLog.Close(idle ? CloseReason.IDLE : CloseReason.ERROR, -1,
                    idle ? "nothing received for ws.idleTimeout" : "connection lost without a close frame", false);
        }
        env.metrics().connectionClosed(binding(), note.reason());
        ConnectionLog.closed(id, remoteAddress(), note, since, List.copyOf(entities));
        for (String entity : entities) {
            env.bus().unbind(entity, this);
        }
        entities.clear();
        closed.complete(null);
    }

    // ---- metrics --------------------------------------------------------------------------------------------

    @Override
    public void timedOut() {
        env.metrics().requestTimeouts.labelValues("ws").inc();
    }

    @Override
    public void lateResponse() {
        env.metrics().lateResponses.labelValues("ws").inc();
    }
}
