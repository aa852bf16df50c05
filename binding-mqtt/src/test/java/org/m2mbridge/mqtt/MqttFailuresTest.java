package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.bus.TransportFailure;

/**
 * Every way a Paho publish fails, and the rsc the request gets on the MQTT upstream and the MQTT device link
 * (docs/reliability.md, "Deadline outcomes"). Exhaustive: every reason code Paho 1.2.5 defines has a case here and
 * a row in {@link MqttFailures#REASONS} (reason 0 by its cause), and every {@link TransportFailure} but
 * TOO_LARGE (a publish has no answer body) is reached.
 */
class MqttFailuresTest {

    static Stream<Arguments> reasonCodes() {
        return Stream.of(
                Arguments.of(MqttException.REASON_CODE_CLIENT_TIMEOUT, 4008), // 32000: no PINGRESP in time
                Arguments.of(MqttException.REASON_CODE_WRITE_TIMEOUT, 4008),
                Arguments.of(MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION, 5103),
                Arguments.of(MqttException.REASON_CODE_INVALID_CLIENT_ID, 5103),
                Arguments.of(MqttException.REASON_CODE_BROKER_UNAVAILABLE, 5103),
                Arguments.of(MqttException.REASON_CODE_FAILED_AUTHENTICATION, 5103),
                Arguments.of(MqttException.REASON_CODE_NOT_AUTHORIZED, 5103),
                Arguments.of(MqttException.REASON_CODE_SERVER_CONNECT_ERROR, 5103),
                Arguments.of(MqttException.REASON_CODE_CLIENT_NOT_CONNECTED, 5103), // 32104
                Arguments.of(MqttException.REASON_CODE_SOCKET_FACTORY_MISMATCH, 5103),
                Arguments.of(MqttException.REASON_CODE_SSL_CONFIG_ERROR, 5103),
                Arguments.of(MqttException.REASON_CODE_CONNECT_IN_PROGRESS, 5103),
                Arguments.of(MqttException.REASON_CODE_CONNECTION_LOST, 5103),
                Arguments.of(MqttException.REASON_CODE_CLIENT_ALREADY_DISCONNECTED, 5103),
                Arguments.of(MqttException.REASON_CODE_CLIENT_DISCONNECTING, 5103),
                Arguments.of(MqttException.REASON_CODE_CLIENT_CLOSED, 5103),
                Arguments.of(MqttException.REASON_CODE_NO_MESSAGE_IDS_AVAILABLE, 5103),
                Arguments.of(MqttException.REASON_CODE_MAX_INFLIGHT, 5103), // 32202: not sent
                Arguments.of(MqttException.REASON_CODE_DISCONNECTED_BUFFER_FULL, 5103),
                Arguments.of(MqttException.REASON_CODE_UNEXPECTED_ERROR, 5000),
                Arguments.of(MqttException.REASON_CODE_SUBSCRIBE_FAILED, 5000),
                Arguments.of(MqttException.REASON_CODE_CLIENT_CONNECTED, 5000),
                Arguments.of(MqttException.REASON_CODE_CLIENT_DISCONNECT_PROHIBITED, 5000),
                Arguments.of(MqttException.REASON_CODE_INVALID_MESSAGE, 5000),
                Arguments.of(MqttException.REASON_CODE_TOKEN_INUSE, 5000));
    }

    /** Reason 0 (REASON_CODE_CLIENT_EXCEPTION) wraps the cause; other transports may fail with the cause itself. */
    static Stream<Arguments> causes() {
        return Stream.of(
                Arguments.of(new SocketTimeoutException("write"), 4008),
                Arguments.of(new ConnectException("refused"), 5103),
                Arguments.of(new NoRouteToHostException("no route"), 5103),
                Arguments.of(new UnknownHostException("broker.invalid"), 5103),
                Arguments.of(new SSLHandshakeException("untrusted"), 5103),
                Arguments.of(new SocketException("Connection reset"), 5103),
                Arguments.of(new EOFException(), 5103),
                Arguments.of(new IOException("broken pipe"), 5103),
                Arguments.of(new IllegalStateException("a bug"), 5000));
    }

    @ParameterizedTest
    @MethodSource("reasonCodes")
    void reasonCodes(short code, int rsc) {
        MqttException e = new MqttException(code);
        assertEquals(rsc, MqttFailures.of(e, false).rsc().code(), e.toString());
        assertEquals(rsc, MqttFailures.of(new CompletionException(e), false).rsc().code(), "wrapped " + e);
        assertEquals(TransportFailure.TIMEOUT, MqttFailures.of(e, true), "past the deadline");
    }

    @ParameterizedTest
    @MethodSource("causes")
    void causes(Throwable cause, int rsc) {
        assertEquals(rsc, MqttFailures.of(new MqttException(cause), false).rsc().code(), "reason 0: " + cause);
        assertEquals(rsc, MqttFailures.of(cause, false).rsc().code(), cause.toString());
        assertEquals(TransportFailure.TIMEOUT, MqttFailures.of(cause, true), "past the deadline");
    }

    @Test
    void everyPahoReasonCodeHasARowAndACase() throws IllegalAccessException {
        Set<Integer> defined = new TreeSet<>();
        for (Field f : MqttException.class.getFields()) {
            if (f.getName().startsWith("REASON_CODE_") && Modifier.isStatic(f.getModifiers())) {
                defined.add(((Number) f.get(null)).intValue());
            }
        }
        defined.remove((int) MqttException.REASON_CODE_CLIENT_EXCEPTION); // classified by its cause
        assertEquals(defined, new TreeSet<>(MqttFailures.REASONS.keySet()), "a row per Paho reason code");
        assertEquals(defined, reasonCodes().map(a -> ((Number) a.get()[0]).intValue())
                .collect(Collectors.toCollection(TreeSet::new)), "a case per Paho reason code");
        Set<Integer> hit = causes().map(a -> MqttFailures.CAUSES.rowOf((Throwable) a.get()[0]))
                .filter(i -> i >= 0).collect(Collectors.toSet());
        assertEquals(IntStream.range(0, MqttFailures.CAUSES.rows().size()).boxed().collect(Collectors.toSet()), hit,
                "a case per cause row");
        Set<TransportFailure> reached = Stream.concat(reasonCodes().map(a -> new MqttException((short) a.get()[0])),
                causes().map(a -> (Throwable) a.get()[0])).map(t -> MqttFailures.of(t, false))
                .collect(Collectors.toSet());
        Set<TransportFailure> all = new TreeSet<>(Arrays.asList(TransportFailure.values()));
        all.remove(TransportFailure.TOO_LARGE);
        assertEquals(all, new TreeSet<>(reached));
    }
}
