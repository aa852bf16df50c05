package org.m2mbridge.http;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request sent over HTTP and its outcome as a response primitive, the same for the upstream CSE
 * ({@link HttpUpstream}) and for HTTP devices ({@link HttpDeviceLink}): an answer is mapped by
 * {@link HttpResponseMapping} (TS-0009 6.3.2), one whose body cannot be decoded is a 5000, a transport failure is
 * answered by the one table ({@link TransportFailure}: unreachable or closed 5103, no answer before the deadline
 * 4008; docs/spec/http.md "Transport failures"). What differs between the two is the {@link Observer}.
 */
final class HttpExchange {
    private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);

    /** What a sender does besides answering: the upstream tracks its reachability and counts its errors. */
    interface Observer {
        /** An HTTP answer came (decodable or not): the peer is reachable. */
        default void answered() {
        }

        /** The exchange failed ({@link TransportFailure#TIMEOUT} and undecodable answers included). */
        default void failed(TransportFailure failure, Throwable cause) {
        }
    }

    private final Codecs codecs;
    private final Serialization expected;
    private final BridgeMetrics metrics;
    /** Whether the cause of a transport failure goes into the debug text (not for devices: it may name their URL). */
    private final boolean causeInAnswer;
    private final Observer observer;

    /** @param expected the serialization asked for in Accept, used when an answer names no known Content-Type */
    HttpExchange(Codecs codecs, Serialization expected, BridgeMetrics metrics, boolean causeInAnswer,
                 Observer observer) {
        this.codecs = codecs;
        this.expected = expected;
        this.metrics = metrics;
        this.causeInAnswer = causeInAnswer;
        this.observer = observer;
    }

    /**
     * Sends {@code request} with {@code send} (given the milliseconds left before its deadline) unless no time is
     * left, and answers it; {@code peer} names the next hop in debug texts ("upstream in-cse", "'Cae1'").
     */
    CompletableFuture<ResponsePrimitive> send(RequestPrimitive request, String peer, long leftMs,
                                              LongFunction<CompletableFuture<HttpRequestSender.Outcome>> send) {
        if (leftMs <= 0) {
            return CompletableFuture.completedFuture(timeout(request, peer));
        }
        return send.apply(leftMs).thenApply(outcome ->
                outcome instanceof HttpRequestSender.Outcome.Answered a ? answered(request, peer, a.response())
                        : failed(request, peer, (HttpRequestSender.Outcome.Failed) outcome));
    }

    private ResponsePrimitive answered(RequestPrimitive request, String peer, HttpResponseMessage answer) {
        observer.answered();
        ResponsePrimitive response;
        try {
            response = HttpResponseMapping.fromHttp(answer, request, codecs, expected);
        } catch (HttpResponseMapping.UndecodableBody e) {
            observer.failed(TransportFailure.PROTOCOL, e);
            LOG.debug("{}: {}", peer, e.getMessage());
            response = TransportFailure.PROTOCOL.answer(request, peer, e.getMessage());
        }
        return response;
    }

    private ResponsePrimitive failed(RequestPrimitive request, String peer, HttpRequestSender.Outcome.Failed f) {
        TransportFailure failure = f.failure();
        if (failure == TransportFailure.TIMEOUT) {
            return timeout(request, peer);
        }
        observer.failed(failure, f.cause());
        LOG.debug("{}: {}", peer, failure, f.cause());
        return failure.answer(request, peer, causeInAnswer && f.cause() != null ? f.cause().toString() : null);
    }

    private ResponsePrimitive timeout(RequestPrimitive request, String peer) {
        observer.failed(TransportFailure.TIMEOUT, null);
        metrics.requestTimeouts.labelValues("http").inc();
        return TransportFailure.TIMEOUT.answer(request, peer, null);
    }
}
