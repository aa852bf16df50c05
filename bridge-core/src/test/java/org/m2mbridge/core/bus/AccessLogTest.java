package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.m2mbridge.core.metrics.RejectReason;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

class AccessLogTest {

    @Test
    void oneLineWithIdentifiersStatusAndLatencyButNoContent() {
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr("Cae1")
                .rqi("r-17").ty(2).build();
        ResponsePrimitive response = ResponsePrimitive.builder(2001, "r-17").build();
        assertEquals("conn=ws-3 side=down fr=Cae1 rqi=r-17 op=create to=cse-in ty=2 rsc=2001 ms=12.4 via=in-cse"
                        + " flag=-",
                AccessLog.line(request, new Ingress(Ingress.Side.DOWNSTREAM, "ws", "ws-3", null), response, "in-cse",
                        12.36));
    }

    @Test
    void deviceChosenValuesCannotForgeFieldsOrLines() {
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
                .fr("Cae1 rsc=2000\nconn=x").rqi(null).build();
        assertEquals("conn=http-in side=up fr=Cae1_rsc=2000_conn=x rqi=- op=retrieve to=cse-in rsc=- ms=0.0 via=-"
                        + " flag=-",
                AccessLog.line(request, Ingress.upstream("http", "http-in"), null, null, 0));
    }

    @Test
    void anAnswerTheBridgeGaveItselfCarriesItsFlag() {
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.RETRIEVE).to("/id-x/base").fr("Cae1")
                .rqi("r-2").build();
        ResponsePrimitive noRoute = ResponsePrimitive.error(request, ResponseStatusCode.NOT_FOUND, "no route",
                Refusal.flagOf(RejectReason.NO_ROUTE));
        assertEquals("conn=ws-3 side=down fr=Cae1 rqi=r-2 op=retrieve to=/id-x/base rsc=4004 ms=0.0 via=- flag=NR",
                AccessLog.line(request, new Ingress(Ingress.Side.DOWNSTREAM, "ws", "ws-3", null), noRoute, null, 0));
        ResponsePrimitive refused = TransportFailure.CONNECT.answer(request, "upstream in-cse", null);
        assertEquals("conn=ws-3 side=down fr=Cae1 rqi=r-2 op=retrieve to=/id-x/base rsc=5103 ms=3.0 via=in-cse flag=UF",
                AccessLog.line(request, new Ingress(Ingress.Side.DOWNSTREAM, "ws", "ws-3", null), refused, "in-cse", 3));
        // the flag is no primitive parameter: a flagged answer equals the same answer unflagged
        assertEquals(refused, refused.toBuilder().flag(null).build());
    }

    @Test
    void timestampIsUtcWithMillisecondsAndTheCachedSecondDoesNotLeak() {
        assertEquals("1970-01-01T00:00:00.007Z", AccessLog.timestamp(new StringBuilder(), 7).toString());
        assertEquals("2026-11-25T15:30:15.123Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_615_123L).toString());
        assertEquals("2026-11-25T15:30:15.099Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_615_099L).toString());
        assertEquals("2026-11-25T15:30:16.000Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_616_000L).toString());
    }
}
