package org.m2mbridge.bench;

import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.extensions.PerMessageDeflateHandshake;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.m2mbridge.core.codec.Serialization;

/**
 * Benchmark (a): a raw Undertow WebSocket server that sends every message straight back, with the oneM2M
 * subprotocols and permessage-deflate like the bridge. It is the ceiling of our own stack on this machine.
 */
public final class EchoServer implements AutoCloseable {
    private final Undertow server;

    private EchoServer(String host, int port, int ioThreads) {
        Set<String> subprotocols = new HashSet<>();
        for (Serialization s : Serialization.values()) {
            subprotocols.addAll(s.webSocketSubprotocols());
        }
        WebSocketProtocolHandshakeHandler ws = new WebSocketProtocolHandshakeHandler(
                List.of(new Hybi13Handshake(subprotocols, false)), (WebSocketConnectionCallback) (exchange, channel) -> {
                    channel.getReceiveSetter().set(new Echo());
                    channel.resumeReceives();
                });
        ws.addExtension(new PerMessageDeflateHandshake(false, 6));
        this.server = Undertow.builder().addHttpListener(port, host).setIoThreads(ioThreads).setHandler(ws).build();
        server.start();
    }

    public static EchoServer start(String host, int port, int ioThreads) {
        return new EchoServer(host, port, ioThreads);
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        server.stop();
    }

    private static final class Echo extends AbstractReceiveListener {
        @Override
        protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
            WebSockets.sendText(message.getData(), channel, null);
        }

        @Override
        protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
            var data = message.getData();
            WebSockets.sendBinary(data.getResource(), channel, new WebSocketCallback<Void>() {
                @Override
                public void complete(WebSocketChannel c, Void context) {
                    data.free();
                }

                @Override
                public void onError(WebSocketChannel c, Void context, Throwable throwable) {
                    data.free();
                }
            });
        }
    }

    /** {@code EchoServer [--host H] [--port P] [--io-threads N] [--port-file F]}: runs until killed. */
    public static void main(String[] args) throws Exception {
        PeerArgs a = PeerArgs.parse(args, 2);
        EchoServer echo = start(a.host(), a.port(), a.ioThreads());
        a.announce("ws", echo.port());
        new CountDownLatch(1).await();
    }
}
