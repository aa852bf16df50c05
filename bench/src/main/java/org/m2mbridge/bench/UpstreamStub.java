package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * A minimal, fast upstream CSE over HTTP (TS-0009) for benchmarks: answers every request at once on the I/O
 * thread with a fixed JSON answer ({@link FixedAnswers}), remembers each registered AE's point of access for
 * the notification fan-out ({@code POST /bench/fanout}, see {@link FanOut}). Not a CSE: nothing is stored.
 */
public final class UpstreamStub implements AutoCloseable {
    private static final HttpString RSC = new HttpString("X-M2M-RSC");
    private static final HttpString RI = new HttpString("X-M2M-RI");
    private static final HttpString RVI = new HttpString("X-M2M-RVI");
    private static final HttpString CONTENT_TYPE = new HttpString("Content-Type");

    private final Undertow server;
    /** AE-ID -> the notification URL the bridge announced for it in the registration. */
    private final Map<String, String> pointsOfAccess = new ConcurrentHashMap<>();
    private final FanOut fanOut = new FanOut();
    /** Close every connection after its answer ({@code Connection: close}), as ACME's Werkzeug server does. */
    private final boolean connectionClose;

    private UpstreamStub(String host, int port, int ioThreads, boolean connectionClose) {
        this.connectionClose = connectionClose;
        this.server = Undertow.builder().addHttpListener(port, host).setIoThreads(ioThreads)
                .setHandler(this::handle).build();
        server.start();
    }

    public static UpstreamStub start(String host, int port, int ioThreads) {
        return new UpstreamStub(host, port, ioThreads, false);
    }

    /** As {@link #start(String, int, int)}; with {@code connectionClose} one request per connection. */
    public static UpstreamStub start(String host, int port, int ioThreads, boolean connectionClose) {
        return new UpstreamStub(host, port, ioThreads, connectionClose);
    }

    public int port() {
        return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    Map<String, String> pointsOfAccess() {
        return pointsOfAccess;
    }

    private void handle(HttpServerExchange ex) {
        if (ex.getRequestPath().equals("/bench/fanout")) {
            ex.dispatch(() -> fanOut.run(ex, pointsOfAccess));
            return;
        }
        ex.getRequestReceiver().receiveFullBytes((e, body) -> answer(e, body), (e, failure) -> e.endExchange());
    }

    private void answer(HttpServerExchange ex, byte[] body) {
        String contentType = ex.getRequestHeaders().getFirst(CONTENT_TYPE);
        Integer ty = typeOf(contentType);
        String originator = ex.getRequestHeaders().getFirst("X-M2M-Origin");
        int op = ex.getRequestMethod().equals(Methods.GET) ? 2 : ex.getRequestMethod().equals(Methods.PUT) ? 3
                : ex.getRequestMethod().equals(Methods.DELETE) ? 4 : ty != null ? 1 : 5;
        boolean discovery = op == 2 && "1".equals(ex.getQueryParameters().containsKey("fu")
                ? ex.getQueryParameters().get("fu").peekFirst() : null);
        FixedAnswers a = FixedAnswers.of(op, ty, discovery, originator == null ? "Canonymous" : originator);
        if (op == 1 && ty == 2 && a.rsc() == 2001) {
            rememberPointOfAccess(originator, body);
        } else if (op == 4 && originator != null) {
            pointsOfAccess.remove(originator); // the load tool's AEs delete only themselves
        }
        if (connectionClose) {
            ex.setPersistent(false); // Undertow then answers with Connection: close and closes after the answer
        }
        ex.setStatusCode(ResponseStatusCode.httpStatusOf(a.rsc()));
        ex.getResponseHeaders().put(RSC, a.rsc());
        String rqi = ex.getRequestHeaders().getFirst(RI);
        if (rqi != null) {
            ex.getResponseHeaders().put(RI, rqi);
        }
        ex.getResponseHeaders().put(RVI, "3");
        byte[] content = a.contentBytes();
        if (content.length > 0) {
            ex.getResponseHeaders().put(CONTENT_TYPE, "application/json");
        }
        ex.getResponseSender().send(ByteBuffer.wrap(content));
    }

    private void rememberPointOfAccess(String aei, byte[] body) {
        try {
            JsonNode poa = LoadTool.JSON.readTree(body).path("m2m:ae").path("poa");
            if (poa.isArray() && !poa.isEmpty()) {
                pointsOfAccess.put(aei, poa.get(0).asText());
            }
        } catch (java.io.IOException e) {
            // a body we cannot read has no poa to remember: the registration is still answered
        }
    }

    /** {@code application/json;ty=4} -> 4 (TS-0009 6.4.3), else null. */
    static Integer typeOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        int i = contentType.indexOf("ty=");
        if (i < 0) {
            return null;
        }
        int end = i + 3;
        while (end < contentType.length() && Character.isDigit(contentType.charAt(end))) {
            end++;
        }
        return end == i + 3 ? null : Integer.parseInt(contentType.substring(i + 3, end));
    }

    @Override
    public void close() {
        fanOut.close();
        server.stop();
    }

    /**
     * {@code UpstreamStub [--host H] [--port P] [--io-threads N] [--port-file F] [--connection-close]}: runs until
     * killed.
     */
    public static void main(String[] args) throws Exception {
        PeerArgs a = PeerArgs.parse(args, 1);
        UpstreamStub stub = start(a.host(), a.port(), a.ioThreads(), a.connectionClose());
        a.announce("http", stub.port());
        new CountDownLatch(1).await();
    }
}
