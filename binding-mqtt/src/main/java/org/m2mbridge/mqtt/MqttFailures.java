package org.m2mbridge.mqtt;

import static java.util.Map.entry;
import static org.eclipse.paho.client.mqttv3.MqttException.*;
import static org.m2mbridge.core.bus.FailureTable.row;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.m2mbridge.core.bus.FailureTable;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * What a failed publish means for the request it carried, on the MQTT upstream and the MQTT device link alike
 * (docs/reliability.md, "Deadline outcomes"): Paho tells its failures apart by reason code, and wraps I/O failures
 * in reason 0 ({@code REASON_CODE_CLIENT_EXCEPTION}) with the cause. A failure seen once the request's deadline
 * has passed is a timeout whatever its code ({@link TransportFailure#seenAt}).
 */
final class MqttFailures {
    /** Paho mqttv3 1.2.5 reason codes; a code not listed is {@link TransportFailure#PROTOCOL}. */
    static final Map<Integer, TransportFailure> REASONS = Map.ofEntries(
            // no answer from the broker in time (PINGRESP, or a write that did not complete)
            entry((int) REASON_CODE_CLIENT_TIMEOUT, TransportFailure.TIMEOUT),
            entry((int) REASON_CODE_WRITE_TIMEOUT, TransportFailure.TIMEOUT),
            // the broker cannot be reached or refused the session
            entry((int) REASON_CODE_INVALID_PROTOCOL_VERSION, TransportFailure.CONNECT),
            entry((int) REASON_CODE_INVALID_CLIENT_ID, TransportFailure.CONNECT),
            entry((int) REASON_CODE_BROKER_UNAVAILABLE, TransportFailure.CONNECT),
            entry((int) REASON_CODE_FAILED_AUTHENTICATION, TransportFailure.CONNECT),
            entry((int) REASON_CODE_NOT_AUTHORIZED, TransportFailure.CONNECT),
            entry((int) REASON_CODE_SERVER_CONNECT_ERROR, TransportFailure.CONNECT),
            entry((int) REASON_CODE_CLIENT_NOT_CONNECTED, TransportFailure.CONNECT),
            entry((int) REASON_CODE_SOCKET_FACTORY_MISMATCH, TransportFailure.CONNECT),
            entry((int) REASON_CODE_SSL_CONFIG_ERROR, TransportFailure.CONNECT),
            entry((int) REASON_CODE_CONNECT_IN_PROGRESS, TransportFailure.CONNECT),
            // the connection went away under the publish, or the publish was not taken (the request is not sent)
            entry((int) REASON_CODE_CONNECTION_LOST, TransportFailure.CLOSED),
            entry((int) REASON_CODE_CLIENT_ALREADY_DISCONNECTED, TransportFailure.CLOSED),
            entry((int) REASON_CODE_CLIENT_DISCONNECTING, TransportFailure.CLOSED),
            entry((int) REASON_CODE_CLIENT_CLOSED, TransportFailure.CLOSED),
            entry((int) REASON_CODE_NO_MESSAGE_IDS_AVAILABLE, TransportFailure.CLOSED),
            entry((int) REASON_CODE_MAX_INFLIGHT, TransportFailure.CLOSED),
            entry((int) REASON_CODE_DISCONNECTED_BUFFER_FULL, TransportFailure.CLOSED),
            // misuse or a broken packet
            entry((int) REASON_CODE_UNEXPECTED_ERROR, TransportFailure.PROTOCOL),
            entry((int) REASON_CODE_SUBSCRIBE_FAILED, TransportFailure.PROTOCOL),
            entry((int) REASON_CODE_CLIENT_CONNECTED, TransportFailure.PROTOCOL),
            entry((int) REASON_CODE_CLIENT_DISCONNECT_PROHIBITED, TransportFailure.PROTOCOL),
            entry((int) REASON_CODE_INVALID_MESSAGE, TransportFailure.PROTOCOL),
            entry((int) REASON_CODE_TOKEN_INUSE, TransportFailure.PROTOCOL));

    /** Causes: of reason 0, or thrown by a transport other than Paho. */
    static final FailureTable CAUSES = new FailureTable(TransportFailure.PROTOCOL, List.of(
            row(SocketTimeoutException.class, TransportFailure.TIMEOUT),
            row(ConnectException.class, TransportFailure.CONNECT),
            row(NoRouteToHostException.class, TransportFailure.CONNECT),
            row(UnknownHostException.class, TransportFailure.CONNECT),
            row(SSLException.class, TransportFailure.CONNECT),
            row(IOException.class, TransportFailure.CLOSED)));

    private MqttFailures() {
    }

    static TransportFailure of(Throwable failure, boolean deadlinePassed) {
        Throwable t = FailureTable.unwrap(failure);
        TransportFailure f;
        if (t instanceof MqttException m && m.getReasonCode() != REASON_CODE_CLIENT_EXCEPTION) {
            f = REASONS.getOrDefault(m.getReasonCode(), TransportFailure.PROTOCOL);
        } else {
            f = CAUSES.classify(t instanceof MqttException m ? m.getCause() : t);
        }
        return f.seenAt(deadlinePassed);
    }
}
