package org.m2mbridge.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A oneM2M originator talking TS-0009 HTTP straight to a CSE (a test's view of a real peer, not through the
 * bridge): {@code X-M2M-Origin}, {@code X-M2M-RI}, {@code X-M2M-RVI: 3}, {@code Content-Type: application/json;ty=N};
 * the answer is read from {@code X-M2M-RSC} and the JSON body.
 */
final class CseHttpClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RQI = new AtomicInteger();

    /** One answer: the rsc, the content (empty object when there is none) and the raw body for messages. */
    record Answer(int rsc, JsonNode pc, String body) {
        @Override
        public String toString() {
            return rsc + " " + body;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Duration timeout;

    /** {@code timeout}: per request; a CSE forwarding to another may need long (the bridge holds it for an offline one). */
    CseHttpClient(URI base, Duration timeout) {
        this.base = base;
        this.timeout = timeout;
    }

    Answer retrieve(String path, String originator) {
        return send("GET", path, originator, 0, null);
    }

    Answer create(String path, String originator, int ty, String body) {
        return send("POST", path, originator, ty, body);
    }

    Answer update(String path, String originator, String body) {
        return send("PUT", path, originator, 0, body);
    }

    /** {@code path}: the URL path, e.g. {@code /cse-in}, {@code /~/id-mn/cse-mn/ae1} (TS-0009 6.2.2.1), or a whole URL. */
    Answer send(String method, String path, String originator, int ty, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("X-M2M-Origin", originator).header("X-M2M-RI", "live-" + RQI.incrementAndGet())
                .header("X-M2M-RVI", "3").header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", ty == 0 ? "application/json" : "application/json;ty=" + ty)
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int rsc = Integer.parseInt(r.headers().firstValue("X-M2M-RSC").orElse("0"));
            JsonNode pc = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
            return new Answer(rsc, pc, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base.resolve(path) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
