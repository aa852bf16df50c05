package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A device for end-to-end tests: a real JDK WebSocket client speaking {@code oneM2M.R2.0.json}, which sends
 * requests and waits for their responses by rqi, and queues the requests the bridge pushes down to it.
 */
final class WsTestClient implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger rqis = new AtomicInteger();
    /** Every response frame received, matched or not: a duplicate answer shows up here. */
    final AtomicInteger responsesReceived = new AtomicInteger();
    private final String originator;

    WsTestClient(URI ws, String originator) throws Exception {
        this(ws, originator, "oneM2M.R2.0.json");
    }

    WsTestClient(URI ws, String originator, String subprotocol) throws Exception {
        this(HttpClient.newHttpClient(), ws, originator, subprotocol);
    }

    /** Over {@code client}: for {@code wss://}, one built with the device's TLS context. */
    WsTestClient(HttpClient client, URI ws, String originator, String subprotocol) throws Exception {
        this.originator = originator;
        this.socket = client.newWebSocketBuilder().subprotocols(subprotocol)
                .connectTimeout(Duration.ofSeconds(5)).buildAsync(ws, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Sends a request ({@code fr}, {@code rqi} and {@code rvi} filled in) and returns its response. */
    JsonNode request(ObjectNode request) throws Exception {
        return request(request, originator);
    }

    /** As {@link #request(ObjectNode)} with another {@code fr} (the ID a registration was given). */
    JsonNode request(ObjectNode request, String fr) throws Exception {
        String rqi = originator + "-" + rqis.incrementAndGet();
        request.put("fr", fr).put("rqi", rqi).put("rvi", "3");
        return send(JSON.writeValueAsString(request), rqi);
    }

    /** Sends {@code message} exactly as written (a peer's own dialect) and returns the response to {@code rqi}. */
    JsonNode send(String message, String rqi) throws Exception {
        sendWhole(message);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (JsonNode r; (r = responses.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            if (rqi.equals(r.path("rqi").asText())) {
                return r;
            }
        }
        throw new AssertionError("no response to " + rqi);
    }

    /**
     * Sends a request ({@code fr}, {@code rqi} and {@code rvi} filled in) without waiting for its response, for
     * many requests in flight at once; {@link #responses} collects the answers. Returns the rqi.
     */
    String send(ObjectNode request) throws Exception {
        String rqi = originator + "-" + rqis.incrementAndGet();
        request.put("fr", originator).put("rqi", rqi).put("rvi", "3");
        sendWhole(JSON.writeValueAsString(request));
        return rqi;
    }

    /** The next {@code count} responses, within {@code timeout} in all; fewer when the time runs out. */
    java.util.List<JsonNode> responses(int count, Duration timeout) throws InterruptedException {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        long until = System.nanoTime() + timeout.toNanos();
        for (JsonNode r; out.size() < count
                && (r = responses.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            out.add(r);
        }
        return out;
    }

    /** The next request the bridge pushed down, within the timeout, or null. */
    JsonNode nextPushedRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    void answer(JsonNode pushed, int rsc) throws Exception {
        ObjectNode r = JSON.createObjectNode().put("rsc", rsc).put("rqi", pushed.path("rqi").asText()).put("rvi", "3");
        sendWhole(JSON.writeValueAsString(r));
    }

    /**
     * One message at a time: the JDK's WebSocket refuses a send while another is pending ("Send pending"), and a
     * test may answer a pushed request on one thread while a request goes out on another.
     */
    private synchronized void sendWhole(String text) throws Exception {
        socket.sendText(text, true).get(5, TimeUnit.SECONDS);
    }

    static ObjectNode primitive(int op, String to) {
        return JSON.createObjectNode().put("op", op).put("to", to);
    }

    @Override
    public void close() throws Exception {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(partial.toString());
                    if (m.has("op")) {
                        requests.add(m);
                    } else {
                        responsesReceived.incrementAndGet();
                        responses.add(m);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("bridge sent a frame that is not JSON: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
