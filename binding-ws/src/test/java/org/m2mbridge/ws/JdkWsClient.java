package org.m2mbridge.ws;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A device on the JDK's own WebSocket client (RFC 6455 with subprotocols; answers pings itself). Whole messages
 * are queued as byte arrays; every wait has a timeout.
 */
final class JdkWsClient implements AutoCloseable {
    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final WebSocket socket;

    private JdkWsClient(HttpClient client, URI uri, String subprotocol) throws Exception {
        socket = client.newWebSocketBuilder().subprotocols(subprotocol)
                .connectTimeout(Duration.ofSeconds(5)).buildAsync(uri, new Collector())
                .get(10, TimeUnit.SECONDS);
    }

    static JdkWsClient connect(URI uri, String subprotocol) throws Exception {
        return new JdkWsClient(HttpClient.newHttpClient(), uri, subprotocol);
    }

    /** Over TLS ({@code wss://}) with {@code tls} (trust and, for mutual TLS, the client key). */
    static JdkWsClient connect(URI uri, String subprotocol, javax.net.ssl.SSLContext tls) throws Exception {
        return new JdkWsClient(HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build(),
                uri, subprotocol);
    }

    synchronized void sendText(String text) throws Exception { // the JDK socket refuses a send while one is pending
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    void sendBinary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(5, TimeUnit.SECONDS);
    }

    byte[] next() throws InterruptedException {
        byte[] m = messages.poll(10, TimeUnit.SECONDS);
        if (m == null) {
            throw new AssertionError("no message within 10 s");
        }
        return m;
    }

    String nextText() throws InterruptedException {
        return new String(next(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        socket.abort();
    }

    private final class Collector implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.writeBytes(data.toString().getBytes(StandardCharsets.UTF_8));
            return complete(ws, last);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            return complete(ws, last);
        }

        private CompletionStage<?> complete(WebSocket ws, boolean last) {
            if (last) {
                messages.add(partial.toByteArray());
                partial.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }
    }
}
