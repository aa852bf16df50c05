package org.m2mbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device on a real JDK WebSocket ({@code oneM2M.R2.0.json}): sends requests and matches their responses by rqi,
 * queues the requests the bridge pushes down, and records, in arrival order, every response and the close frame
 * (so a test can tell "answered, then closed 1001" from the reverse). A response nobody waits for (a duplicate,
 * or an unknown rqi) is counted in {@link #unexpectedResponses}.
 */
final class WsDevice implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(10);

    private final String originator;
    private final WebSocket socket;
    private final Map<String, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final BlockingQueue<JsonNode> pushed = new LinkedBlockingQueue<>();
    private final AtomicInteger rqis = new AtomicInteger();
    /** "response &lt;rqi&gt; &lt;rsc&gt;" and "close &lt;code&gt;", in arrival order. */
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger unexpectedResponses = new AtomicInteger();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    private WsDevice(String originator, WebSocket socket) {
        this.originator = originator;
        this.socket = socket;
    }

    static WsDevice connect(HttpClient client, URI ws, String originator) throws Exception {
        return connectAsync(client, ws, originator).get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    static CompletableFuture<WsDevice> connectAsync(HttpClient client, URI ws, String originator) {
        Listener listener = new Listener();
        return client.newWebSocketBuilder().subprotocols("oneM2M.R2.0.json").connectTimeout(IO_TIMEOUT)
                .buildAsync(ws, listener).thenApply(socket -> {
                    WsDevice d = new WsDevice(originator, socket);
                    listener.device.complete(d);
                    return d;
                });
    }

    String originator() {
        return originator;
    }

    /** Sends {@code request} with this device's {@code fr} and a fresh {@code rqi}; completes with the response. */
    CompletableFuture<JsonNode> send(ObjectNode request) {
        String rqi = originator + "-" + rqis.incrementAndGet();
        request.put("fr", originator).put("rqi", rqi).put("rvi", "3");
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        waiting.put(rqi, response);
        sendText(request.toString());
        return response;
    }

    JsonNode request(ObjectNode request) throws Exception {
        return send(request).get(15, TimeUnit.SECONDS);
    }

    /** Registers this device as an AE named {@code rn} ({@code fr} = its AE-ID, as ACME assigns C-prefixed IDs). */
    int registerAe(String rn) throws Exception {
        return registerAeAsync(rn).get(15, TimeUnit.SECONDS);
    }

    /** {@link #registerAe} without waiting: completes with the rsc. */
    CompletableFuture<Integer> registerAeAsync(String rn) {
        ObjectNode ae = primitive(1, "cse-in").put("ty", 2);
        ae.putObject("pc").putObject("m2m:ae").put("rn", rn).put("api", "N" + rn).put("rr", true)
                .putArray("srv").add("3");
        return send(ae).thenApply(r -> r.path("rsc").asInt());
    }

    /** The next request the bridge pushed down, or null after {@code timeout}. */
    JsonNode nextPushed(Duration timeout) throws InterruptedException {
        return pushed.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void answer(JsonNode pushedRequest, int rsc) {
        sendText(JSON.createObjectNode().put("rsc", rsc).put("rqi", pushedRequest.path("rqi").asText())
                .put("rvi", "3").toString());
    }

    private synchronized void sendText(String text) {
        // The JDK WebSocket allows one outstanding send: wait for each (bounded) to keep frames whole and ordered.
        try {
            socket.sendText(text, true).get(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("send failed on " + originator + ": " + e, e);
        }
    }

    static ObjectNode primitive(int op, String to) {
        return JSON.createObjectNode().put("op", op).put("to", to);
    }

    /** Drops the TCP connection without a close frame, like a device losing its network. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (socket.isOutputClosed()) {
            socket.abort();
            return;
        }
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            closeCode.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the bridge is gone or slow to answer the close: drop the socket
        } finally {
            socket.abort();
        }
    }

    private void onMessage(JsonNode m) {
        if (m.has("op")) {
            pushed.add(m);
            return;
        }
        String rqi = m.path("rqi").asText();
        events.add("response " + rqi + " " + m.path("rsc").asInt());
        CompletableFuture<JsonNode> f = waiting.remove(rqi);
        if (f == null || !f.complete(m)) {
            unexpectedResponses.incrementAndGet();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<WsDevice> device = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                // the socket is open before buildAsync's future hands us the device: wait for it (bounded)
                device.orTimeout(IO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).thenAccept(d -> {
                    try {
                        d.onMessage(JSON.readTree(text));
                    } catch (Exception e) {
                        d.events.add("garbage " + text);
                    }
                });
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            device.thenAccept(d -> {
                d.events.add("close " + statusCode);
                d.closeCode.complete(statusCode);
            });
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            device.thenAccept(d -> {
                d.events.add("error " + error);
                d.closeCode.complete(-1);
            });
        }
    }
}
