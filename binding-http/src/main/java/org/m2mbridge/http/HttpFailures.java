package org.m2mbridge.http;

import static org.m2mbridge.core.bus.FailureTable.row;

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
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ClientProtocolException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.UnsupportedSchemeException;
import org.apache.hc.client5.http.impl.ConnectionShutdownException;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpStreamResetException;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.StreamClosedException;
import org.apache.hc.core5.http.TruncatedChunkException;
import org.apache.hc.core5.http2.H2ConnectionException;
import org.apache.hc.core5.http2.H2CorruptFrameException;
import org.apache.hc.core5.http2.H2StreamResetException;
import org.apache.hc.core5.http2.impl.nio.ProtocolNegotiationException;
import org.apache.hc.core5.reactor.IOReactorShutdownException;
import org.apache.hc.core5.util.DeadlineTimeoutException;
import org.apache.hc.core5.util.TimeoutValueException;
import org.m2mbridge.core.bus.FailureTable;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * What each failure of Apache HttpClient 5 (and the JDK beneath it) means for a request, for the HTTP upstream and
 * the HTTP device link alike (docs/reliability.md, "Deadline outcomes"). First matching row wins, so a subtype comes
 * before its supertype: a connect timeout (a SocketTimeoutException) is an unreachable peer, a read that timed out
 * is a timeout. A failure seen once the deadline has passed is a timeout whatever its row
 * ({@link TransportFailure#seenAt}).
 */
final class HttpFailures {
    static final FailureTable TABLE = new FailureTable(TransportFailure.PROTOCOL, List.of(
            // out of time: the pool lease (DeadlineTimeoutException, 5.x), a timeout value, the lease in 4.x style
            row(DeadlineTimeoutException.class, TransportFailure.TIMEOUT),
            row(TimeoutValueException.class, TransportFailure.TIMEOUT),
            row(TimeoutException.class, TransportFailure.TIMEOUT),
            row(ConnectionRequestTimeoutException.class, TransportFailure.TIMEOUT),
            // the peer cannot be reached (a connect timeout is http.connectTimeout, shorter than the deadline)
            row(ConnectTimeoutException.class, TransportFailure.CONNECT),
            row(HttpHostConnectException.class, TransportFailure.CONNECT),
            row(ConnectException.class, TransportFailure.CONNECT),
            row(NoRouteToHostException.class, TransportFailure.CONNECT),
            row(PortUnreachableException.class, TransportFailure.CONNECT),
            row(UnknownHostException.class, TransportFailure.CONNECT),
            row(SSLException.class, TransportFailure.CONNECT),
            row(UnsupportedSchemeException.class, TransportFailure.CONNECT),
            // no bytes of the answer within the time left (the response timeout is set to it)
            row(SocketTimeoutException.class, TransportFailure.TIMEOUT),
            row(InterruptedIOException.class, TransportFailure.TIMEOUT),
            row(BoundedResponseConsumer.TooLarge.class, TransportFailure.TOO_LARGE),
            // a broken answer
            row(TruncatedChunkException.class, TransportFailure.PROTOCOL),
            row(MalformedChunkCodingException.class, TransportFailure.PROTOCOL),
            row(MessageConstraintException.class, TransportFailure.PROTOCOL),
            row(H2ConnectionException.class, TransportFailure.PROTOCOL),
            row(H2CorruptFrameException.class, TransportFailure.PROTOCOL),
            row(ProtocolNegotiationException.class, TransportFailure.PROTOCOL),
            row(ClientProtocolException.class, TransportFailure.PROTOCOL),
            row(HttpException.class, TransportFailure.PROTOCOL),
            // closed before the answer (RequestNotExecutedException: before the request was even written)
            row(RequestNotExecutedException.class, TransportFailure.CLOSED),
            row(ConnectionClosedException.class, TransportFailure.CLOSED),
            row(NoHttpResponseException.class, TransportFailure.CLOSED),
            row(StreamClosedException.class, TransportFailure.CLOSED),
            row(H2StreamResetException.class, TransportFailure.CLOSED),
            row(HttpStreamResetException.class, TransportFailure.CLOSED),
            row(ClosedChannelException.class, TransportFailure.CLOSED),
            row(EOFException.class, TransportFailure.CLOSED),
            row(SocketException.class, TransportFailure.CLOSED),
            row(IOException.class, TransportFailure.CLOSED),
            // the client was shut down under the exchange, or the exchange cancelled (at the deadline: TIMEOUT)
            row(ConnectionShutdownException.class, TransportFailure.CLOSED),
            row(IOReactorShutdownException.class, TransportFailure.CLOSED),
            row(CancellationException.class, TransportFailure.CLOSED)));

    private HttpFailures() {
    }

    /** What {@code failure} means for a request whose deadline has ({@code deadlinePassed}) or has not passed. */
    static TransportFailure of(Throwable failure, boolean deadlinePassed) {
        return TABLE.classify(failure).seenAt(deadlinePassed);
    }
}
