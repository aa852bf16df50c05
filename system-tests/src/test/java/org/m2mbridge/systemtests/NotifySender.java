package org.m2mbridge.systemtests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Sends NOTIFY requests to the bridge's notification URL of an entity as a CSE does over HTTP (TS-0009 8, ACME's
 * fixture http-notify-*): POST, {@code X-M2M-Origin} the CSE-ID, no {@code ty}, body {@code m2m:sgn}. The content
 * instance's {@code con} carries a sequence label so a test can check order and duplicates at the device.
 */
final class NotifySender {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Sends and waits (bounded); returns {@code X-M2M-RSC} of the answer. */
    int notify(URI url, String rqi, String con, String rqet) {
        try {
            return notifyAsync(url, rqi, con, rqet).get(20, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("notify " + rqi + " got no answer: " + e, e);
        }
    }

    CompletableFuture<Integer> notifyAsync(URI url, String rqi, String con, String rqet) {
        ObjectNode sgn = WsDevice.JSON.createObjectNode();
        ObjectNode s = sgn.putObject("m2m:sgn").put("sur", "/id-in/sub-chaos");
        s.putObject("nev").put("net", 3).putObject("rep").putObject("m2m:cin").put("con", con);
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-M2M-Origin", "/id-in").header("X-M2M-RI", rqi).header("X-M2M-RVI", "3")
                .POST(HttpRequest.BodyPublishers.ofString(sgn.toString()));
        if (rqet != null) {
            b.header("X-M2M-RET", rqet);
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).thenApply(r -> r.headers()
                .firstValue("X-M2M-RSC").map(Integer::parseInt)
                .orElseThrow(() -> new UncheckedIOException(new IOException("no X-M2M-RSC, HTTP " + r.statusCode()))));
    }

    /** A blocking RETRIEVE of the entity behind {@code url} (GET, TS-0009), as an IN-CSE checks its MN; the rsc. */
    int retrieve(URI url, String rqi) {
        HttpRequest get = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(15)).header("Accept",
                "application/json").header("X-M2M-Origin", "/id-in").header("X-M2M-RI", rqi)
                .header("X-M2M-RVI", "3").GET().build();
        try {
            HttpResponse<Void> r = client.send(get, HttpResponse.BodyHandlers.discarding());
            return r.headers().firstValue("X-M2M-RSC").map(Integer::parseInt)
                    .orElseThrow(() -> new AssertionError("no X-M2M-RSC, HTTP " + r.statusCode()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The {@code con} a pushed NOTIFY carries. */
    static String conOf(com.fasterxml.jackson.databind.JsonNode pushed) {
        return pushed.at("/pc/m2m:sgn/nev/rep/m2m:cin/con").asText();
    }
}
