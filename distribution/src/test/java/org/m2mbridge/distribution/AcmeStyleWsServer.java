package org.m2mbridge.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.Undertow;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import io.undertow.websockets.core.protocol.version13.Hybi13Handshake;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WebSocket CSE that binds sockets to originators the way ACME-oneM2M-CSE 2026.05.1 does (its
 * {@code WebSocketServer.py} at dfe06356), on an ephemeral loopback port; a small resource tree
 * ({@code cse-in/<ae>/<cnt>} with subscriptions and content instances) behind it.
 * <ul>
 *   <li>The originator of a socket is the {@code X-M2M-Origin} header of its upgrade, fixed for the socket's life.
 *       A new socket with the header of an originator that has one closes the older one.</li>
 *   <li>A socket without the header takes only CREATE {@code <AE>}: anything else is 4103. After the AE's 2001
 *       the AE-ID is associated with that socket for notifications, but the socket's own originator stays unset
 *       (so the AE's next request on it is 4103 again).</li>
 *   <li>The request's {@code fr} is not compared with the socket's originator (ACME's check is commented out).</li>
 *   <li>A notification for an entity goes down the socket associated with it; without one it fails with
 *       "No WS connection established" (the AE's poa is {@code ws://default}).</li>
 * </ul>
 * Every request is recorded with the originator of the socket it came on; every notification attempt with its
 * outcome.
 */
final class AcmeStyleWsServer implements AutoCloseable {
    static final String CSE_ID = "/id-in";
    static final String CSE_RN = "cse-in";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NO_CONNECTION = "No WS connection established";

    /** A request as received: the socket's upgrade originator (null: none), and the primitive. */
    record Received(String socketOrigin, JsonNode request) {
        String fr() {
            return request.path("fr").asText(null);
        }

        int op() {
            return request.path("op").asInt();
        }
    }

    /** A notification attempt for {@code target}: sent down the socket of {@code socketOrigin}, or failed. */
    record Notification(String target, String socketOrigin, String outcome, int rsc) {
    }

    private final Undertow server;
    private final URI uri;
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "acme-style-ws");
        t.setDaemon(true);
        return t;
    });
    /** originator -> socket it is associated with (ACME's associatedConnections). */
    private final Map<String, WebSocketChannel> associated = new ConcurrentHashMap<>();
    private final Map<WebSocketChannel, String> socketOrigin = new ConcurrentHashMap<>();
    /** CSE-relative structured path -> resource type; subscriptions: container path -> nu. */
    private final Map<String, Integer> resources = new ConcurrentHashMap<>();
    private final Map<String, List<String>> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, String> aeiByPath = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<JsonNode>> awaitingAnswers = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<Notification> notifications = new CopyOnWriteArrayList<>();
    final List<String> upgrades = new CopyOnWriteArrayList<>();

    AcmeStyleWsServer() {
        resources.put(CSE_RN, 5);
        WebSocketProtocolHandshakeHandler upgrade = new WebSocketProtocolHandshakeHandler(
                List.of(new Hybi13Handshake(Set.of("oneM2M.json"), false)),
                (WebSocketConnectionCallback) this::onConnect);
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(2)
                .setHandler(upgrade).build();
        server.start();
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        uri = URI.create("ws://127.0.0.1:" + port + "/");
    }

    URI uri() {
        return uri;
    }

    /** The requests whose {@code fr} was not the originator of the socket they came on (registrations aside). */
    List<Received> foreignOriginators() {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            boolean aeCreate = r.op() == 1 && r.request().path("ty").asInt() == 2;
            if (!aeCreate && !String.valueOf(r.fr()).equals(r.socketOrigin())) {
                out.add(r);
            }
        }
        return out;
    }

    private void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
        String origin = exchange.getRequestHeader("X-M2M-Origin");
        upgrades.add(String.valueOf(origin));
        if (origin != null) {
            socketOrigin.put(channel, origin);
            WebSocketChannel older = associated.put(origin, channel);
            if (older != null && older != channel) { // ACME: "already associated ... Closing first connection"
                WebSockets.sendClose(1000, "", older, null);
            }
        }
        channel.addCloseTask(ch -> {
            if (origin != null) {
                associated.remove(origin, ch);
            }
            socketOrigin.remove(ch);
        });
        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                String text = message.getData();
                workers.execute(() -> onMessage(ch, origin, text)); // ACME handles each message on its own thread
            }
        });
        channel.resumeReceives();
    }

    private void onMessage(WebSocketChannel channel, String origin, String text) {
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (Exception e) {
            return;
        }
        if (m.has("rsc")) {
            CompletableFuture<JsonNode> waiting = awaitingAnswers.remove(m.path("rqi").asText());
            if (waiting != null) {
                waiting.complete(m);
            }
            return;
        }
        received.add(new Received(origin, m));
        ObjectNode response = handle(channel, origin, m);
        response.put("fr", CSE_ID).put("rqi", m.path("rqi").asText()).put("rvi", m.path("rvi").asText("3"));
        if (m.hasNonNull("fr")) {
            response.put("to", m.path("fr").asText());
        }
        send(channel, response);
    }

    private ObjectNode handle(WebSocketChannel channel, String origin, JsonNode m) {
        int op = m.path("op").asInt();
        int ty = m.path("ty").asInt(-1);
        if (origin == null && !(op == 1 && ty == 2)) {
            return error(4103, "Unknown WS connections (no X-M2M-Origin header) are only allowed for AE registrations");
        }
        String to = m.path("to").asText("");
        String path = to.startsWith(CSE_ID + "/") ? to.substring(CSE_ID.length() + 1) : to;
        if (!resources.containsKey(path)) {
            return error(4004, "No resource with this ID: " + to);
        }
        return switch (op) {
            case 1 -> create(channel, origin, m, path, ty);
            case 2 -> ok(2000).set("pc", JSON.createObjectNode().put("ri", path));
            case 4 -> delete(path);
            default -> error(4000, "operation not supported here");
        };
    }

    private ObjectNode create(WebSocketChannel channel, String origin, JsonNode m, String parent, int ty) {
        switch (ty) {
            case 2 -> {
                String fr = m.path("fr").asText("");
                String aei = fr.startsWith("C") && fr.length() > 1 ? fr : "C" + ids.incrementAndGet() + "acme";
                String rn = m.path("pc").path("m2m:ae").path("rn").asText(aei);
                if (resources.putIfAbsent(parent + "/" + rn, 2) != null) {
                    return error(4105, "resource with this name already exists");
                }
                aeiByPath.put(parent + "/" + rn, aei);
                if (origin == null) { // associated for notifications, though the socket's originator stays unset
                    associated.putIfAbsent(aei, channel);
                }
                ObjectNode ae = ((ObjectNode) m.path("pc").path("m2m:ae")).deepCopy().put("ri", aei).put("aei", aei)
                        .put("ty", 2);
                ObjectNode r = ok(2001);
                r.putObject("pc").set("m2m:ae", ae);
                return r;
            }
            case 3 -> {
                String rn = m.path("pc").path("m2m:cnt").path("rn").asText();
                resources.put(parent + "/" + rn, 3);
                return ok(2001);
            }
            case 23 -> {
                String rn = m.path("pc").path("m2m:sub").path("rn").asText();
                resources.put(parent + "/" + rn, 23);
                List<String> nu = new ArrayList<>();
                m.path("pc").path("m2m:sub").path("nu").forEach(n -> nu.add(n.asText()));
                subscriptions.put(parent, nu);
                return ok(2001);
            }
            case 4 -> {
                String con = m.path("pc").path("m2m:cin").path("con").asText();
                for (String target : subscriptions.getOrDefault(parent, List.of())) {
                    workers.execute(() -> notify(target, parent, con));
                }
                return ok(2001);
            }
            default -> {
                return error(4000, "resource type not supported here");
            }
        }
    }

    private ObjectNode delete(String path) {
        resources.remove(path);
        String aei = aeiByPath.remove(path);
        if (aei != null) { // ACME dissociates the AE's socket but leaves it open
            associated.remove(aei);
        }
        return ok(2002);
    }

    /** ACME's sendWSRequest: the socket associated with the target, else "No WS connection established". */
    private void notify(String target, String container, String con) {
        WebSocketChannel channel = associated.get(target);
        if (channel == null || !channel.isOpen()) {
            notifications.add(new Notification(target, null, NO_CONNECTION, 5103));
            return;
        }
        String rqi = "acme-n" + ids.incrementAndGet();
        ObjectNode notify = JSON.createObjectNode().put("op", 5).put("to", target).put("fr", CSE_ID).put("rqi", rqi)
                .put("rvi", "3");
        ObjectNode sgn = notify.putObject("pc").putObject("m2m:sgn");
        sgn.put("sur", CSE_ID + "/" + container + "/sub");
        sgn.putObject("nev").put("net", 3).putObject("rep").putObject("m2m:cin").put("con", con);
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        awaitingAnswers.put(rqi, answer);
        send(channel, notify);
        try {
            JsonNode rsp = answer.get(10, TimeUnit.SECONDS);
            notifications.add(new Notification(target, socketOrigin.get(channel), "answered",
                    rsp.path("rsc").asInt()));
        } catch (TimeoutException e) {
            notifications.add(new Notification(target, socketOrigin.get(channel), "no response", 4008));
        } catch (Exception e) {
            notifications.add(new Notification(target, socketOrigin.get(channel), e.toString(), 5000));
        } finally {
            awaitingAnswers.remove(rqi);
        }
    }

    private static ObjectNode ok(int rsc) {
        return JSON.createObjectNode().put("rsc", rsc);
    }

    private static ObjectNode error(int rsc, String dbg) {
        ObjectNode r = ok(rsc);
        r.putObject("pc").put("m2m:dbg", dbg);
        return r;
    }

    private static void send(WebSocketChannel channel, JsonNode message) {
        try {
            WebSockets.sendText(JSON.writeValueAsString(message), channel, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        workers.shutdownNow();
    }
}
