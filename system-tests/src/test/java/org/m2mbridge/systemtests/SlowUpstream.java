package org.m2mbridge.systemtests;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP upstream CSE ({@code /id-slow}) that answers every request 2000 only once {@link #release()} is called
 * or {@code delay} has passed, whichever comes first: the "slow upstream" of shutdown and dropped-socket tests.
 * Records the {@code X-M2M-RI} of what it received and counts the answers it managed to write.
 */
final class SlowUpstream implements AutoCloseable {
    private static final Duration MAX_HOLD = Duration.ofSeconds(20);

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newFixedThreadPool(4);
    private final Duration delay;
    private final CompletableFuture<Void> released = new CompletableFuture<>();
    final List<String> received = new CopyOnWriteArrayList<>();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger answerFailed = new AtomicInteger();

    /** @param delay how long each request waits before its answer unless released earlier (at most 20 s) */
    SlowUpstream(Duration delay) throws IOException {
        this.delay = delay.compareTo(MAX_HOLD) > 0 ? MAX_HOLD : delay;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    void release() {
        released.complete(null);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String rqi = exchange.getRequestHeaders().getFirst("X-M2M-RI");
        exchange.getRequestBody().readAllBytes();
        received.add(rqi);
        try {
            released.get(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // the delay ran out: answer now
        }
        byte[] body = "{\"m2m:cnt\":{\"rn\":\"slow\",\"ri\":\"cnt-slow\",\"ty\":3}}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("X-M2M-RSC", "2000");
        exchange.getResponseHeaders().add("X-M2M-RI", rqi == null ? "" : rqi);
        exchange.getResponseHeaders().add("X-M2M-RVI", "3");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        try (OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(200, body.length);
            out.write(body);
            answered.incrementAndGet();
        } catch (IOException e) {
            answerFailed.incrementAndGet(); // the bridge gave up on the exchange
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        handlers.shutdownNow();
    }
}
