package org.m2mbridge.bench;

import io.undertow.server.HttpServerExchange;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.async.methods.SimpleHttpRequest;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.io.CloseMode;

/**
 * Notification fan-out (benchmark f): the upstream sends one NOTIFY (TS-0009, {@code m2m:sgn}) to every AE that
 * registered through the bridge, all at once, and reports the time until the last one is answered; the bridge
 * answers an HTTP NOTIFY only after the device answered it on its WebSocket, so this is time-to-delivered.
 */
final class FanOut implements AutoCloseable {
    private static final String SGN = "{\"m2m:sgn\":{\"nev\":{\"rep\":{\"m2m:cin\":{\"rn\":\"cin_1\",\"ty\":4,"
            + "\"con\":\"ok\"}},\"net\":3},\"sur\":\"/id-in/sub1\"}}";
    private final CloseableHttpAsyncClient client = HttpAsyncClients.custom()
            .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                    .setMaxConnTotal(256).setMaxConnPerRoute(256).build()).build();

    FanOut() {
        client.start();
    }

    /** Runs on a worker thread (it waits up to a minute for the answers). */
    void run(HttpServerExchange ex, Map<String, String> pointsOfAccess) {
        long start = System.nanoTime();
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<?>[] all = pointsOfAccess.entrySet().stream().map(e -> {
            CompletableFuture<Void> done = new CompletableFuture<>();
            SimpleHttpRequest req = SimpleRequestBuilder.post(e.getValue())
                    .addHeader("X-M2M-Origin", "/id-in").addHeader("X-M2M-RI", "fan-" + e.getKey())
                    .addHeader("X-M2M-RVI", "3").setBody(SGN, ContentType.APPLICATION_JSON).build();
            client.execute(req, new FutureCallback<SimpleHttpResponse>() {
                @Override
                public void completed(SimpleHttpResponse r) {
                    ("2000".equals(header(r)) ? delivered : failed).incrementAndGet();
                    done.complete(null);
                }

                @Override
                public void failed(Exception x) {
                    failed.incrementAndGet();
                    done.complete(null);
                }

                @Override
                public void cancelled() {
                    failed.incrementAndGet();
                    done.complete(null);
                }
            });
            return done;
        }).toArray(CompletableFuture[]::new);
        boolean complete;
        try {
            CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);
            complete = true;
        } catch (Exception e) {
            complete = false;
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        ex.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send("{\"targets\":" + all.length + ",\"delivered\":" + delivered.get()
                + ",\"failed\":" + failed.get() + ",\"complete\":" + complete + ",\"millis\":" + millis + "}\n");
    }

    private static String header(SimpleHttpResponse r) {
        var h = r.getFirstHeader("X-M2M-RSC");
        return h == null ? null : h.getValue();
    }

    @Override
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }
}
