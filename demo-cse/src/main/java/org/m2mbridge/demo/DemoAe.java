package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.JsonCodec;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * A scripted WebSocket AE (TEST/DEMO peer, not a product feature) that shows the bridge's point: an AE behind NAT
 * with one outgoing WebSocket (TS-0020, subprotocol {@code oneM2M.R2.0.json}) gets notifications pushed down that
 * same socket. Script: register ({@code CREATE <AE>}, {@code rr=true}, no {@code poa}), create container
 * {@code data}, subscribe to it with {@code nu = [own AE-ID]}, create a contentInstance, wait for the NOTIFY on
 * its own socket and answer it 2000 with the same rqi (TS-0004 7.4.1), then deregister. Verification requests
 * ({@code vrq}) that arrive are answered 2000 as well. Every step is one human-readable line to the given sink;
 * every wait is bounded by {@link Options#timeout()}. Uses the JDK {@link java.net.http.WebSocket} client.
 */
public final class DemoAe {
    private static final String SUBPROTOCOL = Serialization.JSON.webSocketSubprotocols().get(0);
    private static final String RVI = "3";

    /**
     * @param originator the {@code fr} of the registration ({@code Cdemo-ae}; {@code C} asks the CSE for an ID)
     * @param appId      {@code api} of the AE
     * @param aeName     {@code rn} of the AE
     * @param cseBase    the {@code to} of the registration: the registrar's CSEBase ({@code cse-in})
     * @param content    {@code con} of the contentInstance
     * @param timeout    bound of every wait (connect, each response, the notification)
     * @param deregister whether to DELETE the AE at the end (lets the script run again against the same CSE)
     */
    public record Options(String originator, String appId, String aeName, String cseBase, String content,
                          Duration timeout, boolean deregister) {
        public static Options defaults() {
            return new Options("Cdemo-ae", "Ndemo-ae", "demo-ae", "cse-in", "21.5", Duration.ofSeconds(10), true);
        }

        public Options withOriginator(String fr) {
            return new Options(fr, appId, aeName, cseBase, content, timeout, deregister);
        }
    }

    private final Options options;
    private final Consumer<String> out;
    private final PrimitiveCodec codec = new JsonCodec(CodecLimits.DEFAULT);
    private final Map<String, CompletableFuture<ResponsePrimitive>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<JsonNode> notification = new CompletableFuture<>();
    private final AtomicInteger verifications = new AtomicInteger();
    private final AtomicInteger rqiCounter = new AtomicInteger();
    private final List<DemoAeResult.Step> steps = new ArrayList<>();
    private final Object sendLock = new Object();
    private CompletableFuture<WebSocket> sendChain;
    private volatile String aei;

    public DemoAe(Options options, Consumer<String> out) {
        this.options = options;
        this.out = out;
    }

    public DemoAe(Options options, PrintStream out) {
        this(options, (Consumer<String>) out::println);
    }

    /** Runs the whole script against {@code wsUrl}; never throws for oneM2M or network failures. */
    public DemoAeResult run(URI wsUrl) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(options.timeout()).build();
        WebSocket ws;
        try {
            ws = http.newWebSocketBuilder().subprotocols(SUBPROTOCOL).connectTimeout(options.timeout())
                    .buildAsync(wsUrl, new Listener()).get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            say("cannot connect to " + wsUrl + ": " + rootCause(e));
            return result(false);
        }
        say("connected to " + wsUrl + " (subprotocol " + ws.getSubprotocol() + ")");
        synchronized (sendLock) {
            sendChain = CompletableFuture.completedFuture(ws);
        }
        try {
            return script();
        } finally {
            close(ws);
        }
    }

    private DemoAeResult script() throws InterruptedException {
        ObjectNode ae = JsonNodeFactory.instance.objectNode().put("rn", options.aeName()).put("api", options.appId())
                .put("rr", true);
        ae.putArray("srv").add(RVI);
        ResponsePrimitive registered = request("CREATE <AE>", Operation.CREATE, options.cseBase(), options.originator(),
                ResourceType.AE, ae);
        if (!created(registered)) {
            return result(false);
        }
        aei = registered.pc().path("m2m:ae").path("aei").asText(options.originator());
        String aePath = options.cseBase() + "/" + registered.pc().path("m2m:ae").path("rn").asText(options.aeName());

        String cnt = aePath + "/data";
        if (!created(request("CREATE <container> data", Operation.CREATE, aePath, aei, ResourceType.CONTAINER,
                JsonNodeFactory.instance.objectNode().put("rn", "data")))) {
            return result(false);
        }
        ObjectNode sub = JsonNodeFactory.instance.objectNode().put("rn", "sub");
        sub.putArray("nu").add(aei);
        sub.putObject("enc").putArray("net").add(3);
        if (!created(request("CREATE <subscription> sub (nu=[" + aei + "])", Operation.CREATE, cnt, aei,
                ResourceType.SUBSCRIPTION, sub))) {
            return result(false);
        }
        if (!created(request("CREATE <contentInstance> con=" + options.content(), Operation.CREATE, cnt, aei,
                ResourceType.CONTENT_INSTANCE, JsonNodeFactory.instance.objectNode().put("cnf", "text/plain:0")
                        .put("con", options.content())))) {
            return result(false);
        }
        boolean notified = awaitNotification();
        if (options.deregister()) {
            request("DELETE <AE>", Operation.DELETE, aePath, aei, null, null);
        }
        return result(notified);
    }

    private boolean awaitNotification() throws InterruptedException {
        try {
            JsonNode sgn = notification.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
            JsonNode rep = sgn.path("nev").path("rep");
            String what = rep.fieldNames().hasNext() ? rep.fieldNames().next() : "(no representation)";
            say("notification received on my own WebSocket: " + what + " con=" + rep.path(what).path("con").asText());
            return true;
        } catch (ExecutionException | TimeoutException e) {
            say("no notification within " + options.timeout().toMillis() + " ms");
            return false;
        }
    }

    private ResponsePrimitive request(String description, Operation op, String to, String fr, ResourceType ty,
                                      ObjectNode resource) throws InterruptedException {
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(op).to(to).fr(fr)
                .rqi("demo-ae-" + rqiCounter.incrementAndGet()).rvi(RVI);
        if (ty != null) {
            ObjectNode pc = JsonNodeFactory.instance.objectNode();
            pc.set(ty.rootName(), resource);
            b.ty(ty.code()).pc(pc);
        }
        RequestPrimitive request = b.build();
        CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
        pending.put(request.rqi(), answer);
        send(codec.encode(request));
        ResponsePrimitive rsp;
        try {
            rsp = answer.get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            pending.remove(request.rqi());
            steps.add(new DemoAeResult.Step(description, -1));
            say(description + " -> no answer within " + options.timeout().toMillis() + " ms");
            return null;
        }
        steps.add(new DemoAeResult.Step(description, rsp.rsc()));
        say(description + " -> " + rsp.rsc() + detail(rsp));
        return rsp;
    }

    /** The assigned AE-ID of a registration, or the debug text of an error, for the step's line. */
    private static String detail(ResponsePrimitive rsp) {
        JsonNode pc = rsp.pc();
        if (pc == null) {
            return "";
        }
        if (pc.path("m2m:ae").has("aei")) {
            return " (aei=" + pc.path("m2m:ae").path("aei").asText() + ")";
        }
        return pc.has("m2m:dbg") ? " (" + pc.get("m2m:dbg").asText() + ")" : "";
    }

    private static boolean created(ResponsePrimitive rsp) {
        return rsp != null && rsp.rsc() == ResponseStatusCode.CREATED.code();
    }

    /** Frames from the socket: responses to our requests, NOTIFY requests to answer (TS-0020 7.3). */
    private void received(String text) {
        DecodeResult decoded = codec.decode(text.getBytes(StandardCharsets.UTF_8));
        decoded.response().ifPresent(rsp -> {
            CompletableFuture<ResponsePrimitive> f = rsp.rqi() == null ? null : pending.remove(rsp.rqi());
            if (f != null) {
                f.complete(rsp);
            }
        });
        decoded.request().ifPresent(this::notified);
        if (decoded instanceof DecodeResult.Failed f) {
            say("unreadable frame ignored: " + f.reason());
        }
    }

    private void notified(RequestPrimitive request) {
        if (request.op() != Operation.NOTIFY) {
            reply(request, ResponseStatusCode.OPERATION_NOT_ALLOWED.code());
            return;
        }
        JsonNode sgn = request.pc() == null ? null : request.pc().get("m2m:sgn");
        if (sgn != null && sgn.path("vrq").asBoolean(false)) {
            say("verification request received for " + sgn.path("sur").asText() + ", answering 2000");
            reply(request, ResponseStatusCode.OK.code());
            verifications.incrementAndGet();
            return;
        }
        reply(request, ResponseStatusCode.OK.code());
        if (sgn != null && sgn.has("nev")) {
            notification.complete(sgn);
        } else if (sgn != null && sgn.path("sud").asBoolean(false)) {
            say("subscription deleted: " + sgn.path("sur").asText());
        }
    }

    private void reply(RequestPrimitive request, int rsc) {
        ResponsePrimitive rsp = ResponsePrimitive.builder(rsc, request.rqi()).rvi(RVI).fr(aei).to(request.fr()).build();
        send(codec.encode(rsp));
    }

    /** The JDK client allows one outstanding send at a time, so sends are chained. */
    private void send(byte[] json) {
        String text = new String(json, StandardCharsets.UTF_8);
        synchronized (sendLock) {
            sendChain = sendChain.thenCompose(ws -> ws.sendText(text, true));
        }
    }

    private void close(WebSocket ws) throws InterruptedException {
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "demo done").get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            ws.abort();
        }
    }

    private DemoAeResult result(boolean notified) {
        boolean allOk = !steps.isEmpty() && steps.stream().allMatch(s -> s.rsc() / 1000 == 2);
        return new DemoAeResult(steps, Optional.ofNullable(aei), Optional.ofNullable(notification.getNow(null)),
                verifications.get(), notified && allOk);
    }

    private void say(String line) {
        out.accept("demo-ae: " + line);
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.toString();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                received(message);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1); // JSON subprotocol: binary frames are not ours (TS-0020 7.2.2.9)
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            IllegalStateException closed = new IllegalStateException("closed by peer: " + statusCode + " " + reason);
            pending.values().forEach(f -> f.completeExceptionally(closed));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            say("WebSocket error: " + error);
            pending.values().forEach(f -> f.completeExceptionally(error));
        }
    }

    /** {@code DemoAe ws://host:port/path [originator]}: runs the script, prints each step, exit code 0 on success. */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: DemoAe <ws-url> [originator]");
            System.exit(2);
        }
        Options o = args.length > 1 ? Options.defaults().withOriginator(args[1]) : Options.defaults();
        DemoAeResult r = new DemoAe(o, System.out).run(URI.create(args[0]));
        System.out.println("demo-ae: " + (r.success() ? "done" : "FAILED"));
        System.exit(r.success() ? 0 : 1);
    }
}
