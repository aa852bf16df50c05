package org.m2mbridge.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * Delivers the {@link DemoCse}'s NOTIFY requests over HTTP (TEST/DEMO peer, not a product feature), as TS-0009 8
 * describes and ACME does (fixtures http-notify-*): POST to the point-of-access URL as given, {@code X-M2M-Origin}
 * = the CSE-ID, {@code X-M2M-RI}, {@code X-M2M-RVI}, {@code Content-Type: application/json} without {@code ty},
 * body {@code {"m2m:sgn":{...}}}. Uses the JDK {@link HttpClient} (asynchronous, never blocks the caller).
 */
public final class HttpNotificationTransport implements NotificationTransport {
    private final HttpClient client;
    private final PrimitiveCodec codec;
    private final Duration timeout;

    public HttpNotificationTransport(PrimitiveCodec codec, Duration timeout) {
        this.codec = codec;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    }

    @Override
    public CompletableFuture<ResponsePrimitive> send(URI pointOfAccess, RequestPrimitive notify) {
        HttpRequest.Builder b = HttpRequest.newBuilder(pointOfAccess).timeout(timeout)
                .header("Content-Type", codec.serialization().genericMediaType())
                .header("Accept", codec.serialization().genericMediaType())
                .header("X-M2M-Origin", notify.fr())
                .header("X-M2M-RI", notify.rqi())
                .POST(HttpRequest.BodyPublishers.ofByteArray(codec.encodeContent(notify.pc())));
        if (notify.rvi() != null) {
            b.header("X-M2M-RVI", notify.rvi());
        }
        if (notify.ot() != null) {
            b.header("X-M2M-OT", notify.ot());
        }
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(rsp -> toResponse(notify, rsp));
    }

    /** TS-0009 6.3 (docs/spec/http.md "Status codes"): rsc from X-M2M-RSC, else derived from the HTTP status class. */
    private ResponsePrimitive toResponse(RequestPrimitive notify, HttpResponse<byte[]> rsp) {
        int rsc = rsp.headers().firstValue("X-M2M-RSC").flatMap(HttpNotificationTransport::integer)
                .orElse(ResponseStatusCode.fromHttpStatus(rsp.statusCode()));
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(rsc,
                rsp.headers().firstValue("X-M2M-RI").orElse(notify.rqi()));
        rsp.headers().firstValue("X-M2M-RVI").ifPresent(b::rvi);
        rsp.headers().firstValue("X-M2M-Origin").ifPresent(b::fr);
        if (rsp.body().length > 0 && codec.decodeContent(rsp.body()) instanceof ContentResult.Decoded d) {
            b.pc(d.content());
        }
        return b.build();
    }

    private static java.util.Optional<Integer> integer(String s) {
        try {
            return java.util.Optional.of(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }
}
