package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * Every way opening the upstream's WebSocket fails, and the rsc the waiting requests get (docs/reliability.md,
 * "Deadline outcomes"): 5103 before the deadline, 4008 after it. Exhaustive over {@link WsFailures#TABLE}; the
 * outcomes of an open socket (closed: 5103, silent: 4008) are covered by {@link WsUpstreamDeadlineTest} and
 * {@link WsUpstreamTest}.
 */
class WsFailuresTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new WsFailures.HandshakeRefusedException("upgrade refused: HTTP/1.1 403"), 5103),
                Arguments.of(new WsFailures.ProxyRefusedException("proxy refused CONNECT: 407"), 5103),
                Arguments.of(new SocketTimeoutException("ws.connectTimeout"), 5103),
                Arguments.of(new TimeoutException("upgrade took longer than ws.connectTimeout"), 5103),
                Arguments.of(new ConnectException("refused"), 5103),
                Arguments.of(new NoRouteToHostException("no route"), 5103),
                Arguments.of(new UnknownHostException("cse.invalid"), 5103),
                Arguments.of(new SSLHandshakeException("untrusted"), 5103),
                Arguments.of(new EOFException("connection closed inside the HTTP response head"), 5103),
                Arguments.of(new IOException("connect failed 3 time(s), next attempt in 400 ms"), 5103),
                Arguments.of(new IllegalStateException("a bug"), 5000));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void beforeAndAfterTheDeadline(Throwable failure, int rsc) {
        assertEquals(rsc, WsFailures.of(failure, false).rsc().code(), failure.toString());
        assertEquals(rsc, WsFailures.of(new CompletionException(failure), false).rsc().code(), "wrapped " + failure);
        assertEquals(TransportFailure.TIMEOUT, WsFailures.of(failure, true), "past the deadline: " + failure);
    }

    @Test
    void everyRowHasACase() {
        Set<Integer> hit = failures().map(a -> WsFailures.TABLE.rowOf((Throwable) a.get()[0]))
                .filter(i -> i >= 0).collect(Collectors.toSet());
        assertEquals(IntStream.range(0, WsFailures.TABLE.rows().size()).boxed().collect(Collectors.toSet()), hit);
    }
}
