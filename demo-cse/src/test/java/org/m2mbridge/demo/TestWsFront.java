package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.JsonCodec;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Test-only stand-in for the bridge in front of a {@link DemoCse}: a WebSocket server (subprotocol
 * {@code oneM2M.R2.0.json}) that passes frames to the CSE and, like the bridge, rewrites the AE's {@code poa} to a
 * URL of its own ({@code wsfront://conn/<n>}) so that notifications come back down the AE's socket. Before each
 * subscription CREATE it also sends the AE a verification request, to exercise the AE's vrq answer.
 */
final class TestWsFront implements AutoCloseable {
    private final DemoCse cse;
    private final PrimitiveCodec codec = new JsonCodec(CodecLimits.DEFAULT);
    private final Map<String, WebSocketChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger counter = new AtomicInteger();
    final List<Integer> verificationAnswers = new CopyOnWriteArrayList<>();
    private final Undertow server;
    private final int port;

    TestWsFront(DemoCse cse) {
        this.cse = cse;
        cse.registerTransport("wsfront", this::push);
        WebSocketProtocolHandshakeHandler ws = new WebSocketProtocolHandshakeHandler(
                List.of(new Hybi13Handshake(Set.of("oneM2M.R2.0.json"), false)), (WebSocketConnectionCallback) (exchange, channel) -> {
                    String id = Integer.toString(counter.incrementAndGet());
                    channels.put(id, channel);
                    channel.getReceiveSetter().set(new AbstractReceiveListener() {
                        @Override
                        protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                            frame(id, ch, message.getData());
                        }
                    });
                    channel.resumeReceives();
                });
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ws).build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    URI url() {
        return URI.create("ws://127.0.0.1:" + port + "/");
    }

    private void frame(String connection, WebSocketChannel channel, String text) {
        DecodeResult decoded = codec.decode(text.getBytes(StandardCharsets.UTF_8));
        decoded.response().ifPresent(r -> {
            CompletableFuture<ResponsePrimitive> f = pending.remove(r.rqi());
            if (f != null) {
                f.complete(r);
            }
        });
        decoded.request().ifPresent(request -> {
            RequestPrimitive forwarded = request;
            if (request.isRegistration() && request.pc().get("m2m:ae") instanceof ObjectNode ae) {
                ObjectNode pc = request.pc().deepCopy();
                ((ObjectNode) pc.get("m2m:ae")).putArray("poa").add("wsfront://conn/" + connection);
                forwarded = request.toBuilder().pc(pc).build();
            }
            CompletableFuture<?> before = CompletableFuture.completedFuture(null);
            if (request.op() == Operation.CREATE && request.ty() == ResourceType.SUBSCRIPTION.code()) {
                RequestPrimitive vrq = RequestPrimitive.builder().op(Operation.NOTIFY).to(request.fr()).fr("/id-in")
                        .rqi("vrq-" + counter.incrementAndGet()).rvi("3")
                        .pc(codec.decode(("{\"op\":5,\"rqi\":\"x\",\"to\":\"x\",\"pc\":{\"m2m:sgn\":{\"vrq\":true,"
                                + "\"sur\":\"/id-in/test\"}}}").getBytes(StandardCharsets.UTF_8)).request()
                                .orElseThrow().pc()).build();
                before = push(URI.create("wsfront://conn/" + connection), vrq)
                        .thenAccept(r -> verificationAnswers.add(r.rsc()));
            }
            RequestPrimitive toCse = forwarded;
            before.thenCompose(v -> cse.handle(toCse))
                    .thenAccept(rsp -> WebSockets.sendText(new String(codec.encode(rsp), StandardCharsets.UTF_8),
                            channel, null));
        });
    }

    /** The "wsfront" notification transport: down the socket the poa names, answer correlated by rqi. */
    private CompletableFuture<ResponsePrimitive> push(URI poa, RequestPrimitive notify) {
        WebSocketChannel channel = channels.get(poa.getPath().substring(1));
        if (channel == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no connection " + poa));
        }
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        pending.put(notify.rqi(), answer);
        WebSockets.sendText(new String(codec.encode(notify), StandardCharsets.UTF_8), channel, null);
        return answer;
    }

    @Override
    public void close() {
        server.stop();
    }
}
