package org.m2mbridge.distribution;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny HTTP client for the admin listener in tests; every call is bounded in time. */
final class AdminClient {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminClient() {
    }

    static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return get(base, path, null);
    }

    static HttpResponse<String> get(URI base, String path, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (accept != null) {
            b.header("Accept", accept);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST path} without a body, with {@code Authorization: Bearer token} when a token is given. */
    static HttpResponse<String> post(URI base, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Whether {@code /health/ready} reports {@code upstream} UP (reachable; for MQTT: connected and subscribed).
     * Readiness itself leaves upstreams out by default (admin.readinessIncludesUpstreams), so tests that wait for a
     * connection look here.
     */
    static boolean upstreamUp(URI admin, String upstream) {
        try {
            return "UP".equals(StatusReport.JSON.readTree(get(admin, "/health/ready").body())
                    .path("upstreams").path(upstream).path("status").asText());
        } catch (Exception e) {
            return false;
        }
    }
}
