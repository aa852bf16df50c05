package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.connector.ByteBufferPool;
import io.undertow.websockets.WebSocketExtension;
import io.undertow.websockets.client.WebSocketClient;
import io.undertow.websockets.client.WebSocketClientNegotiation;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseTypeInfo;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.XnioWorker;

/**
 * One simulated AE on its own WebSocket (TS-0020): registers, creates its container (and a subscription to it),
 * then keeps {@code window} requests outstanding, each answer sending the next from the I/O thread that received
 * it. Requests the bridge pushes down (NOTIFY) are answered 2000 at once.
 */
final class AeConnection {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final int index;
    private final LoadOptions options;
    private final PrimitiveCodec codec;
    private final Measurement measurement;
    private final LoadRun run;
    private final String originator;
    private final String aeName;
    /** rqi -> send time (System.nanoTime) of load requests in flight. */
    private final Map<String, Sent> inFlight = new ConcurrentHashMap<>();
    /** rqi -> waiting set-up exchange (registration, container, subscription, deregistration). */
    private final Map<String, CompletableFuture<ResponsePrimitive>> exchanges = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile WebSocketChannel channel;
    private volatile RequestTemplates templates;
    private volatile boolean deflateNegotiated;
    /** Set before the tool closes the connection itself; a close without it is the peer's. */
    private volatile boolean closing;
    private volatile boolean closedByPeer;

    AeConnection(int index, String runId, LoadOptions options, PrimitiveCodec codec, Measurement measurement,
                 LoadRun run) {
        this.index = index;
        this.options = options;
        this.codec = codec;
        this.measurement = measurement;
        this.run = run;
        this.aeName = "load" + runId + "x" + index;
        this.originator = "C" + aeName;
    }

    void connect(XnioWorker worker, ByteBufferPool pool, Duration timeout) throws IOException {
        List<String> subprotocols = options.format().webSocketSubprotocols();
        // Stack-notes 1.1: deflate needs both the offered extension and the client extension handshake.
        List<WebSocketExtension> offered = options.deflate()
                ? List.of(new WebSocketExtension("permessage-deflate")) : List.of();
        WebSocketClientNegotiation negotiation = new WebSocketClientNegotiation(subprotocols, offered);
        WebSocketClient.ConnectionBuilder b = WebSocketClient.connectionBuilder(worker, pool, options.url())
                .setClientNegotiation(negotiation)
                // The worker's options do not reach client connections: without this, Nagle + delayed ACK stall.
                .setOptionMap(OptionMap.create(Options.TCP_NODELAY, true));
        if (options.deflate()) {
            b.setClientExtensions(Set.of(new PerMessageDeflateHandshake(true)));
        }
        var future = b.connect();
        org.xnio.IoFuture.Status status = future.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (status == org.xnio.IoFuture.Status.FAILED) {
            throw new SetupFailure("cannot connect to " + options.url() + ": "
                    + FailureWords.describe(future.getException()));
        }
        if (status != org.xnio.IoFuture.Status.DONE) {
            future.cancel();
            throw new SetupFailure("cannot connect to " + options.url() + ": no WebSocket within "
                    + timeout.toSeconds() + " s");
        }
        WebSocketChannel ch = future.get();
        // TS-0020 7.2.3.5: the server must pick one of the offered subprotocols; measuring another one is useless.
        if (!subprotocols.contains(negotiation.getSelectedSubProtocol())) {
            IoUtils.safeClose(ch);
            throw new SetupFailure("the server selected subprotocol " + negotiation.getSelectedSubProtocol()
                    + "; offered " + subprotocols);
        }
        deflateNegotiated = negotiation.getSelectedExtensions() != null && negotiation.getSelectedExtensions()
                .stream().anyMatch(e -> e.getName().equals("permessage-deflate"));
        ch.addCloseTask(c -> {
            if (!closing) {
                closedByPeer = true;
            }
        });
        ch.getReceiveSetter().set(new Receiver());
        ch.resumeReceives();
        this.channel = ch;
    }

    /** Registration (CREATE AE), its container and, with {@code --subscribe}, a subscription to it. */
    void setUp(Duration timeout) throws Exception {
        String aePath = options.cse() + "/" + aeName;
        String container = aePath + "/data";
        templates = new RequestTemplates(codec, originator, container, aePath);
        if (options.echo()) {
            return;
        }
        ObjectNode ae = NODES.objectNode();
        ae.put("rn", aeName).put("api", "Nm2m-load").put("rr", true).putArray("srv").add("3");
        expect(2001, RequestTemplates.base(originator).op(Operation.CREATE).to(options.cse()).ty(2)
                .pc(RequestTemplates.content("m2m:ae", ae)).build(), timeout, "register");
        ObjectNode cnt = NODES.objectNode().put("rn", "data").put("mni", 10);
        expect(2001, RequestTemplates.base(originator).op(Operation.CREATE).to(aePath).ty(3)
                .pc(RequestTemplates.content("m2m:cnt", cnt)).build(), timeout, "create container");
        if (options.subscribe()) {
            ObjectNode sub = NODES.objectNode().put("rn", "sub");
            sub.putArray("nu").add(originator);
            sub.putObject("enc").putArray("net").add(3);
            expect(2001, RequestTemplates.base(originator).op(Operation.CREATE).to(container).ty(23)
                    .pc(RequestTemplates.content("m2m:sub", sub)).build(), timeout, "subscribe");
        }
    }

    /** DELETE of the AE, so repeated runs do not leave registrations behind in the bridge. */
    CompletableFuture<ResponsePrimitive> deregister() {
        if (options.echo() || channel == null || !channel.isOpen()) {
            return CompletableFuture.completedFuture(null);
        }
        return send(RequestTemplates.base(originator).op(Operation.DELETE).to(options.cse() + "/" + aeName).build());
    }

    private void expect(int rsc, RequestPrimitive request, Duration timeout, String step) throws Exception {
        ResponsePrimitive r;
        try {
            r = send(request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SetupFailure(step + ": no answer within " + timeout.toSeconds() + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new SetupFailure(step + ": " + FailureWords.describe(e));
        }
        if (r.rsc() != rsc) {
            throw new SetupFailure(step + " answered " + r.rsc() + " (expected " + rsc + ")"
                    + (r.pc() == null ? "" : ": " + r.pc()));
        }
    }

    private CompletableFuture<ResponsePrimitive> send(RequestPrimitive request) {
        String rqi = RequestTemplates.rqi(index, sequence.incrementAndGet());
        CompletableFuture<ResponsePrimitive> f = new CompletableFuture<>();
        exchanges.put(rqi, f);
        write(RequestTemplates.encodeOnce(codec, request, rqi), failure -> {
            exchanges.remove(rqi);
            f.completeExceptionally(failure);
        });
        return f;
    }

    /** Fills the window; nothing on a connection whose set-up failed (it has no templates, maybe no socket). */
    void startLoad() {
        if (options.idle() || templates == null) {
            return;
        }
        for (int i = 0; i < options.window(); i++) {
            sendNext();
        }
    }

    /** Whether the server accepted permessage-deflate (RFC 7692) on this connection. */
    boolean deflateNegotiated() {
        return deflateNegotiated;
    }

    int inFlight() {
        return inFlight.size();
    }

    /** The request identifiers still waiting for an answer (diagnostics for a report with unanswered requests). */
    java.util.Set<String> inFlightRqis() {
        return java.util.Set.copyOf(inFlight.keySet());
    }

    /** A request on its way: when it left, and whether it is one of the measured ones. */
    private record Sent(long nanos, LoadRun.Issue issue) {
    }

    private void sendNext() {
        LoadRun.Issue issue = run.issue();
        if (issue == LoadRun.Issue.NONE) {
            return;
        }
        String rqi = RequestTemplates.rqi(index, sequence.incrementAndGet());
        byte[] bytes = templates.next(ThreadLocalRandom.current().nextInt(100), options, rqi);
        inFlight.put(rqi, new Sent(System.nanoTime(), issue));
        write(bytes, failure -> {
            if (inFlight.remove(rqi) != null) {
                measurement.answered(Measurement.TRANSPORT_ERROR, 0);
            }
        });
    }

    private void write(byte[] bytes, java.util.function.Consumer<Throwable> onFailure) {
        WebSocketChannel ch = channel;
        WebSocketCallback<Void> callback = new WebSocketCallback<>() {
            @Override
            public void complete(WebSocketChannel c, Void context) {
            }

            @Override
            public void onError(WebSocketChannel c, Void context, Throwable throwable) {
                onFailure.accept(throwable);
            }
        };
        // From the channel's I/O thread only, as the bridge's WsSession does (see its DataFrameSender): with
        // permessage-deflate, Undertow can put two messages sent from two threads on the wire in the other order
        // than it compressed them.
        Runnable send = () -> {
            if (options.format().isText()) {
                WebSockets.sendText(ByteBuffer.wrap(bytes), ch, callback);
            } else {
                WebSockets.sendBinary(ByteBuffer.wrap(bytes), ch, callback);
            }
        };
        if (Thread.currentThread() == ch.getIoThread()) {
            send.run();
        } else {
            ch.getIoThread().execute(send);
        }
    }

    private void received(byte[] bytes) {
        try {
            dispatch(bytes);
        } catch (RuntimeException e) {
            // never let one message end the receive listener: the connection would go deaf and its answers "lost"
            measurement.unrecognised(bytes, e);
        }
    }

    private void dispatch(byte[] bytes) {
        JsonAnswerScan fast = options.format() == org.m2mbridge.core.codec.Serialization.JSON
                ? JsonAnswerScan.of(bytes, options.echo()) : null;
        if (fast != null) {
            answered(fast.rqi(), fast.rsc());
            return;
        }
        DecodeResult d = codec.decode(bytes);
        if (d.response().isPresent()) {
            ResponsePrimitive r = d.response().get();
            answered(r.rqi(), r.rsc());
        } else if (d.request().isPresent()) {
            RequestPrimitive q = d.request().get();
            if (options.echo()) {
                answered(q.rqi(), Measurement.ECHO);
            } else {
                // A request from the bridge: a NOTIFY for our subscription (or a fan-out). Acknowledge it.
                if (q.op() == Operation.NOTIFY) {
                    measurement.notificationReceived();
                }
                write(codec.encode(ResponsePrimitive.builder(2000, q.rqi()).rvi(q.rvi()).build()), e -> { });
            }
        } else {
            measurement.unrecognised(bytes, null);
        }
    }

    private void answered(String rqi, int rsc) {
        Sent sent = rqi == null ? null : inFlight.remove(rqi);
        if (sent != null) {
            measurement.answered(rsc, System.nanoTime() - sent.nanos());
            run.answered(sent.issue());
            sendNext();
            return;
        }
        CompletableFuture<ResponsePrimitive> f = rqi == null ? null : exchanges.remove(rqi);
        if (f != null) {
            f.complete(ResponsePrimitive.builder(rsc, rqi).build());
        }
    }

    /** True once the peer closed this connection (a close frame, a reset) before the tool closed it itself. */
    boolean closedByPeer() {
        return closedByPeer;
    }

    void close() {
        closing = true;
        WebSocketChannel ch = channel;
        if (ch != null) {
            IoUtils.safeClose(ch);
        }
    }

    private final class Receiver extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
            received(message.getData().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
            var data = message.getData();
            try {
                ByteBuffer merged = WebSockets.mergeBuffers(data.getResource());
                byte[] bytes = new byte[merged.remaining()];
                merged.get(bytes);
                received(bytes);
            } finally {
                data.free();
            }
        }

        @Override
        protected void onCloseMessage(io.undertow.websockets.core.CloseMessage cm, WebSocketChannel ch) {
            failAll();
        }

        @Override
        protected void onError(WebSocketChannel ch, Throwable error) {
            super.onError(ch, error);
            failAll();
        }
    }

    private void failAll() {
        for (String rqi : inFlight.keySet()) {
            if (inFlight.remove(rqi) != null) {
                measurement.answered(Measurement.TRANSPORT_ERROR, 0);
            }
        }
        exchanges.values().forEach(f -> f.completeExceptionally(new IOException("connection closed")));
    }
}
