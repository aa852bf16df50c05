package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.client5.http.impl.ConnectionShutdownException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpStreamResetException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.StreamClosedException;
import org.apache.hc.core5.http.TruncatedChunkException;
import org.apache.hc.core5.http2.H2ConnectionException;
import org.apache.hc.core5.http2.H2CorruptFrameException;
import org.apache.hc.core5.http2.H2Error;
import org.apache.hc.core5.http2.H2StreamResetException;
import org.apache.hc.core5.http2.impl.nio.ProtocolNegotiationException;
import org.apache.hc.core5.reactor.IOReactorShutdownException;
import org.apache.hc.core5.util.Deadline;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.TimeoutValueException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * Every failure HttpClient 5 (and the JDK beneath it) reports for an exchange, and the rsc the originator gets for
 * it on the HTTP upstream and the HTTP device link (docs/reliability.md, "Deadline outcomes"): 4008 when out of
 * time, 5103 when unreachable or closed before the answer, 5000 otherwise. Exhaustive: every row of
 * {@link HttpFailures#TABLE} is hit by a case here, and every {@link TransportFailure} by some case.
 */
class HttpFailuresTest {

    static Stream<Arguments> failures() {
        return Stream.of(
                // out of time
                Arguments.of(DeadlineTimeoutException.from(Deadline.fromUnixMilliseconds(0)), 4008),
                Arguments.of(TimeoutValueException.fromMilliseconds(1500, 1600), 4008),
                Arguments.of(new TimeoutException("lease"), 4008),
                Arguments.of(new ConnectionRequestTimeoutException("lease"), 4008),
                Arguments.of(new SocketTimeoutException("read timed out"), 4008),
                Arguments.of(new InterruptedIOException("interrupted"), 4008),
                // unreachable
                Arguments.of(new ConnectTimeoutException("connect timed out"), 5103),
                Arguments.of(new HttpHostConnectException("refused"), 5103),
                Arguments.of(new ConnectException("refused"), 5103),
                Arguments.of(new NoRouteToHostException("no route"), 5103),
                Arguments.of(new PortUnreachableException("unreachable"), 5103),
                Arguments.of(new UnknownHostException("cse.invalid"), 5103),
                Arguments.of(new SSLHandshakeException("untrusted"), 5103),
                Arguments.of(new SSLPeerUnverifiedException("wrong host"), 5103),
                Arguments.of(new UnsupportedSchemeException("ftp"), 5103),
                // closed before the answer
                Arguments.of(new RequestNotExecutedException("closed before sending"), 5103),
                Arguments.of(new ConnectionClosedException("closed"), 5103),
                Arguments.of(new NoHttpResponseException("no response"), 5103),
                Arguments.of(new StreamClosedException("stream closed"), 5103),
                Arguments.of(new H2StreamResetException(H2Error.REFUSED_STREAM, "refused"), 5103),
                Arguments.of(new HttpStreamResetException("reset"), 5103),
                Arguments.of(new ClosedChannelException(), 5103),
                Arguments.of(new EOFException(), 5103),
                Arguments.of(new SocketException("Connection reset"), 5103),
                Arguments.of(new IOException("Broken pipe"), 5103),
                Arguments.of(new ConnectionShutdownException(), 5103),
                Arguments.of(new IOReactorShutdownException("shut down"), 5103),
                Arguments.of(new CancellationException(), 5103),
                // anything else
                Arguments.of(new BoundedResponseConsumer.TooLarge("over 1 MiB"), 5000),
                Arguments.of(new TruncatedChunkException("truncated"), 5000),
                Arguments.of(new MalformedChunkCodingException("bad chunk"), 5000),
                Arguments.of(new MessageConstraintException("header too long"), 5000),
                Arguments.of(new H2ConnectionException(H2Error.PROTOCOL_ERROR, "bad frame"), 5000),
                Arguments.of(new H2CorruptFrameException("corrupt"), 5000),
                Arguments.of(new ProtocolNegotiationException("no h2"), 5000),
                Arguments.of(new ClientProtocolException("bad"), 5000),
                Arguments.of(new ProtocolException("bad status line"), 5000),
                Arguments.of(new ParseException("bad header"), 5000),
                Arguments.of(new IllegalStateException("a bug"), 5000));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void beforeTheDeadline(Throwable failure, int rsc) {
        assertEquals(rsc, HttpFailures.of(failure, false).rsc().code(), failure.toString());
        assertEquals(rsc, HttpFailures.of(new CompletionException(new ExecutionException(failure)), false).rsc()
                .code(), "wrapped " + failure);
    }

    @ParameterizedTest
    @MethodSource("failures")
    void onceTheDeadlinePassedEveryFailureIs4008(Throwable failure, int ignored) {
        assertEquals(TransportFailure.TIMEOUT, HttpFailures.of(failure, true), failure.toString());
    }

    @Test
    void everyRowAndEveryOutcomeIsCovered() {
        List<Throwable> cases = failures().map(a -> (Throwable) a.get()[0]).toList();
        Set<Integer> hit = new TreeSet<>();
        Set<TransportFailure> outcomes = new TreeSet<>();
        for (Throwable t : cases) {
            hit.add(HttpFailures.TABLE.rowOf(t));
            outcomes.add(HttpFailures.of(t, false));
        }
        hit.remove(-1); // the case for "otherwise"
        assertEquals(IntStream.range(0, HttpFailures.TABLE.rows().size()).boxed().toList(), List.copyOf(hit),
                "every row of the table has a case");
        assertEquals(Set.of(TransportFailure.values()), outcomes, "every outcome has a case");
    }
}
