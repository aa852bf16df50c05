package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.TestBus;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.ws.Metrics;

/**
 * The client's opening handshake on the wire (TS-0020 7.2.2) and its keepalive, against a scripted server on a raw
 * socket that answers the upgrade as told and then never reads nor answers anything (not even pings).
 */
@Timeout(30)
class ClientHandshakeTest {
    private ServerSocket server;
    private final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final CompletableFuture<List<String>> head = new CompletableFuture<>();
    private ClientBus clientBus;
    private TestBus busA;

    @AfterEach
    void stop() throws IOException {
        if (clientBus != null) {
            clientBus.close();
        }
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }

    /**
     * A server that answers every upgrade with {@code answer(requestHead)} and then stays silent; {@link #head} is
     * the first request's head (the client reconnects by itself after a failure, so there may be more).
     */
    private void silentServer(Function<List<String>, String> answer) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    s.setSoTimeout(5000);
                    List<String> lines = TestConnectProxy.readHead(s.getInputStream());
                    head.complete(lines);
                    s.getOutputStream().write(answer.apply(lines).getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    head.completeExceptionally(e);
                }
            }
        }, "silent-server");
        t.setDaemon(true);
        t.start();
    }

    private static String upgrade(List<String> request, String subprotocol) {
        String key = field(request, "Sec-WebSocket-Key");
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + FrozenWsServer.acceptFor(key) + "\r\n"
                + "Sec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n";
    }

    private void client(String wsYaml) {
        clientBus = new ClientBus("ws://127.0.0.1:" + server.getLocalPort(), wsYaml);
        busA = clientBus.bus;
    }

    private CompletableFuture<ResponsePrimitive> retrieve(String rqi) {
        RequestPrimitive r = RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in/x").fr("Cae").rqi(rqi)
                .rvi("3").build();
        return busA.bus.send(r, Ingress.downstream(new RecordingLink("dev", busA.timer, 4)));
    }

    private double connections(String subprotocol) {
        return Metrics.value(busA.metrics.registry(), "m2mbridge_ws_connections", "role", "client",
                "subprotocol", subprotocol);
    }

    @Test
    void upgradeRequestCarriesHostOfferListAndOriginAndTheServersChoiceFixesTheSerialization() throws Exception {
        silentServer(req -> upgrade(req, "oneM2M.cbor"));
        client("      subprotocols: [oneM2M.json, oneM2M.cbor]\n      originHeader: /id-mn\n      pingInterval: 0s\n");
        List<String> req = head.get(5, TimeUnit.SECONDS);
        assertEquals("GET / HTTP/1.1", req.get(0));
        assertEquals("127.0.0.1:" + server.getLocalPort(), field(req, "Host"));
        assertEquals("websocket", field(req, "Upgrade"));
        assertEquals("Upgrade", field(req, "Connection"));
        assertEquals("13", field(req, "Sec-WebSocket-Version"));
        assertEquals("oneM2M.json, oneM2M.cbor", field(req, "Sec-WebSocket-Protocol"));
        assertEquals("/id-mn", field(req, "X-M2M-Origin"));
        assertEquals("permessage-deflate", field(req, "Sec-WebSocket-Extensions"), "offered; this server ignores it");
        Await.until(Duration.ofSeconds(5), () -> connections("cbor") == 1.0);
    }

    @Test
    void aSubprotocolThatWasNotOfferedFailsTheConnectionAndRequestsGet5103() throws Exception {
        silentServer(req -> upgrade(req, "oneM2M.xml"));
        client("      pingInterval: 0s\n");
        ResponsePrimitive r = retrieve("q1").get(5, TimeUnit.SECONDS);
        assertEquals(5103, r.rsc(), String.valueOf(r));
        Await.until(Duration.ofSeconds(5), () -> Metrics.value(busA.metrics.registry(),
                "m2mbridge_upstream_errors", "upstream", "b", "kind", "handshake") >= 1);
        assertEquals(0.0, connections("xml"));
    }

    @Test
    void aServerThatStopsAnsweringPingsIsDroppedAndItsInFlightRequestAnswered5103BeforeTheDeadline() throws Exception {
        silentServer(req -> upgrade(req, "oneM2M.json"));
        client("      pingInterval: 200ms\n");
        Await.until(Duration.ofSeconds(5), () -> connections("json") == 1.0);
        long t0 = System.nanoTime();
        ResponsePrimitive r = retrieve("q2").get(8, TimeUnit.SECONDS); // the request deadline is 10 s
        assertEquals(5103, r.rsc(), String.valueOf(r));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(6).toNanos(), "dropped after a missed pong, well before the 10 s deadline");
        Await.until(Duration.ofSeconds(5), () -> connections("json") == 0.0);
    }

    private static String field(List<String> head, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return head.stream().skip(1).filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim()).findFirst().orElse(null);
    }
}
