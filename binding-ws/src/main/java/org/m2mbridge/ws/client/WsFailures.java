package org.m2mbridge.ws.client;

import static org.m2mbridge.core.bus.FailureTable.row;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.m2mbridge.core.bus.FailureTable;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * What a failure to open the upstream's WebSocket means for the requests waiting for it (docs/reliability.md,
 * "Deadline outcomes"). Every such failure leaves the upstream unreachable (5103): the connection, the TLS handshake,
 * the proxy tunnel or the upgrade failed, or took longer than {@code ws.connectTimeout} (the only socket timeout of
 * this client: on an open socket liveness is the pings' job). A request whose deadline passed first gets 4008
 * ({@link TransportFailure#seenAt}). Failures of an open connection are not here: a socket that closes fails the
 * requests on it as {@link TransportFailure#CLOSED}, a silent one lets their deadlines give
 * {@link TransportFailure#TIMEOUT}.
 */
final class WsFailures {
    static final FailureTable TABLE = new FailureTable(TransportFailure.PROTOCOL, List.of(
            row(HandshakeRefusedException.class, TransportFailure.CONNECT),
            row(ProxyRefusedException.class, TransportFailure.CONNECT),
            row(SocketTimeoutException.class, TransportFailure.CONNECT),
            row(TimeoutException.class, TransportFailure.CONNECT),
            row(ConnectException.class, TransportFailure.CONNECT),
            row(NoRouteToHostException.class, TransportFailure.CONNECT),
            row(UnknownHostException.class, TransportFailure.CONNECT),
            row(SSLException.class, TransportFailure.CONNECT),
            // closed inside the upgrade answer, a malformed one, or still backing off after failed attempts
            row(IOException.class, TransportFailure.CONNECT)));

    private WsFailures() {
    }

    static TransportFailure of(Throwable failure, boolean deadlinePassed) {
        return TABLE.classify(failure).seenAt(deadlinePassed);
    }

    /** The server answered, but not with a valid upgrade for us (status, accept key, subprotocol). */
    static final class HandshakeRefusedException extends IOException {
        HandshakeRefusedException(String message) {
            super(message);
        }

        HandshakeRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The proxy answered CONNECT with something else than 2xx (e.g. 407: credentials missing or wrong). */
    static final class ProxyRefusedException extends IOException {
        ProxyRefusedException(String message) {
            super(message);
        }
    }
}
