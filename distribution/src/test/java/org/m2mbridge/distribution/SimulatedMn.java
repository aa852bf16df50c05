package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An MN-CSE behind NAT that registers with its IN-CSE through the bridge as ACME's MN does (fixtures/peers/acme/
 * ws-client-mn-registration-transit-liveliness.txt): it upgrades with {@code X-M2M-Origin: /id-mn} and the R3
 * subprotocol {@code oneM2M.json}, sends its requests with {@code fr=/id-mn}, keeps its socket, and answers every
 * request that comes down it at once: 2000 with an {@code <AE>} for a RETRIEVE, 2000 for anything else.
 *
 * <p>The JDK WebSocket's listener must not block: it answers by chaining the send on the previous one and asks for
 * the next message when the answer is on its way. Messages can arrive before {@code buildAsync} hands over the
 * socket (the bridge flushes stored requests as soon as the MN is bound), so the listener sends on the socket it is
 * given. A failed answer or an unreadable frame is kept and reported by {@link #close()}, not thrown in the listener
 * (that would abort the socket).
 */
final class SimulatedMn implements AutoCloseable {
    static final String CSI = "/id-mn";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> responses = new LinkedBlockingQueue<>();
    /** Every request the bridge pushed down this socket, in arrival order. */
    final BlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    private final AtomicInteger rqis = new AtomicInteger();
    /** The last send: the JDK WebSocket refuses a send while another is still in progress, so each waits for it. */
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private final AtomicReference<Throwable> listenerFailure = new AtomicReference<>();

    SimulatedMn(URI bridgeWs) throws Exception {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("oneM2M.json")
                .header("X-M2M-Origin", CSI).connectTimeout(Duration.ofSeconds(5))
                .buildAsync(bridgeWs, new Listener()).get(10, TimeUnit.SECONDS);
    }

    /** Sends a request from the MN ({@code fr}, {@code rqi}, {@code rvi} filled in) and returns its response. */
    JsonNode request(int op, String to, Integer ty, JsonNode pc) throws Exception {
        String rqi = "mn-" + rqis.incrementAndGet();
        ObjectNode r = JSON.createObjectNode().put("op", op).put("to", to).put("fr", CSI).put("rqi", rqi)
                .put("rvi", "4");
        if (ty != null) {
            r.put("ty", ty);
        }
        if (pc != null) {
            r.set("pc", pc);
        }
        send(socket, r).get(5, TimeUnit.SECONDS);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        for (JsonNode m; (m = responses.poll(until - System.nanoTime(), TimeUnit.NANOSECONDS)) != null; ) {
            if (rqi.equals(m.path("rqi").asText())) {
                return m;
            }
        }
        throw new AssertionError("no response to " + rqi);
    }

    /** ACME's startup: DELETE a stale registration, then CREATE the {@code <remoteCSE>}; returns both answers. */
    JsonNode[] register() throws Exception {
        JsonNode deleted = request(4, "/id-in/cse-in/id-mn", null, null);
        ObjectNode csr = JSON.createObjectNode();
        csr.putObject("m2m:csr").put("rn", "id-mn").put("rr", true).put("cst", 2).put("csi", CSI)
                .put("cb", "/id-mn/cse-mn").<ObjectNode>set("srv", JSON.createArrayNode().add("3").add("4"))
                .set("poa", JSON.createArrayNode().add("http://192.0.2.7:8081"));
        JsonNode created = request(1, "/id-in/cse-in", 16, csr);
        return new JsonNode[] {deleted, created};
    }

    /** The next request the bridge pushed down, within the timeout, or null. */
    JsonNode nextRequest(Duration timeout) throws InterruptedException {
        return requests.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        CompletableFuture<?> closed;
        synchronized (this) {
            closed = lastSend.handle((r, e) -> null)
                    .thenCompose(x -> socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye"));
            lastSend = closed;
        }
        closed.get(5, TimeUnit.SECONDS);
        Throwable failure = listenerFailure.get();
        if (failure != null) {
            throw new AssertionError("the MN could not handle what the bridge sent it", failure);
        }
    }

    /** The answer to {@code request}; sent after any send in progress. */
    private CompletableFuture<?> answer(WebSocket ws, JsonNode request) throws Exception {
        ObjectNode r = JSON.createObjectNode().put("rsc", 2000).put("rqi", request.path("rqi").asText())
                .put("rvi", "4").put("fr", CSI).put("to", request.path("fr").asText());
        if (request.path("op").asInt() == 2) {
            r.putObject("pc").putObject("m2m:ae").put("rn", "ae1").put("ri", "Cae1").put("aei", "Cae1")
                    .put("api", "Nae1").put("ty", 2);
        }
        return send(ws, r);
    }

    /** Queues {@code message} behind the send in progress (whatever its outcome); never blocks. */
    private synchronized CompletableFuture<?> send(WebSocket ws, JsonNode message) throws Exception {
        String text = JSON.writeValueAsString(message);
        lastSend = lastSend.handle((r, e) -> null).thenCompose(x -> ws.sendText(text, true));
        return lastSend;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (!last) {
                webSocket.request(1);
                return null;
            }
            String text = partial.toString();
            partial.setLength(0);
            try {
                JsonNode m = JSON.readTree(text);
                if (m.has("op")) {
                    requests.add(m);
                    // the next message once this answer is sent: one answer in flight, no queue without bound
                    answer(webSocket, m).whenComplete((r, e) -> {
                        if (e != null) {
                            listenerFailure.compareAndSet(null, e);
                        }
                        webSocket.request(1);
                    });
                    return null;
                }
                responses.add(m);
            } catch (Exception e) {
                listenerFailure.compareAndSet(null, new IllegalStateException("not JSON: " + text, e));
            }
            webSocket.request(1);
            return null;
        }
    }
}
