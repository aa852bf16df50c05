package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** The one table of transport failure to rsc and error kind (docs/reliability.md, "Deadline outcomes"). */
class TransportFailureTest {

    /** Exhaustive by construction: the switch does not compile when a failure is added without its rsc. */
    private static int expectedRsc(TransportFailure f) {
        return switch (f) {
            case TIMEOUT -> 4008;
            case CONNECT, CLOSED -> 5103;
            case TOO_LARGE, PROTOCOL -> 5000;
        };
    }

    private static String expectedKind(TransportFailure f) {
        return switch (f) {
            case TIMEOUT -> "timeout";
            case CONNECT -> "connect";
            case CLOSED -> "closed";
            case TOO_LARGE, PROTOCOL -> "protocol";
        };
    }

    @ParameterizedTest
    @EnumSource(TransportFailure.class)
    void rscKindAndAnswer(TransportFailure f) {
        assertEquals(expectedRsc(f), f.rsc().code());
        assertEquals(expectedKind(f), f.errorKind().label());
        assertEquals(expectedRsc(f) == 5103, f.unreachable());
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-in/x").fr("Cae")
                .rqi("r-1").rvi("3").build();
        ResponsePrimitive answer = f.answer(request, "upstream in-cse", "detail");
        assertEquals(expectedRsc(f), answer.rsc());
        assertEquals("r-1", answer.rqi());
        assertEquals("Cae", answer.to());
        String dbg = answer.pc().path("m2m:dbg").asText();
        assertTrue(dbg.contains("upstream in-cse") && dbg.endsWith(": detail"), dbg);
        assertEquals(TransportFailure.TIMEOUT, f.seenAt(true), "out of time is a timeout, whatever was seen");
        assertEquals(f, f.seenAt(false));
    }

    @Test
    void tableTakesTheFirstMatchingRowThroughWrappers() {
        FailureTable table = new FailureTable(TransportFailure.PROTOCOL, List.of(
                FailureTable.row(ConnectException.class, TransportFailure.CONNECT),
                FailureTable.row(SocketException.class, TransportFailure.CLOSED),
                FailureTable.row(IOException.class, TransportFailure.CLOSED)));
        assertEquals(TransportFailure.CONNECT, table.classify(new ConnectException()));
        assertEquals(TransportFailure.CLOSED, table.classify(new SocketException()));
        assertEquals(TransportFailure.CONNECT,
                table.classify(new CompletionException(new ExecutionException(new ConnectException()))));
        assertEquals(TransportFailure.PROTOCOL, table.classify(new IllegalStateException()));
        assertEquals(TransportFailure.PROTOCOL, table.classify(null));
        assertEquals(1, table.rowOf(new SocketException()));
        assertEquals(-1, table.rowOf(new IllegalStateException()), "no row: otherwise");
    }

    @Test
    void aRowShadowedByAnEarlierSupertypeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FailureTable(
                TransportFailure.PROTOCOL, List.of(FailureTable.row(IOException.class, TransportFailure.CLOSED),
                        FailureTable.row(ConnectException.class, TransportFailure.CONNECT))));
        assertTrue(e.getMessage().contains("java.net.ConnectException can never match"), e.getMessage());
    }
}
