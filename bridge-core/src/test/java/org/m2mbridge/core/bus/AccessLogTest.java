package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

class AccessLogTest {

    @Test
    void oneLineWithIdentifiersStatusAndLatencyButNoContent() {
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr("Cae1")
                .rqi("r-17").ty(2).build();
        ResponsePrimitive response = ResponsePrimitive.builder(2001, "r-17").build();
        assertEquals("conn=ws-3 side=down fr=Cae1 rqi=r-17 op=create to=cse-in ty=2 rsc=2001 ms=12.4",
                AccessLog.line(request, new Origin(Origin.Side.DOWNSTREAM, "ws", "ws-3", null), response, 12.36));
    }

    @Test
    void deviceChosenValuesCannotForgeFieldsOrLines() {
        RequestPrimitive request = RequestPrimitive.builder().op(Operation.RETRIEVE).to("cse-in")
                .fr("Cae1 rsc=2000\nconn=x").rqi(null).build();
        assertEquals("conn=http-in side=up fr=Cae1_rsc=2000_conn=x rqi=- op=retrieve to=cse-in rsc=- ms=0.0",
                AccessLog.line(request, Origin.upstream("http", "http-in"), null, 0));
    }

    @Test
    void timestampIsUtcWithMillisecondsAndTheCachedSecondDoesNotLeak() {
        assertEquals("1970-01-01T00:00:00.007Z", AccessLog.timestamp(new StringBuilder(), 7).toString());
        assertEquals("2026-11-25T15:30:15.123Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_615_123L).toString());
        assertEquals("2026-11-25T15:30:15.099Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_615_099L).toString());
        assertEquals("2026-11-25T15:30:16.000Z", AccessLog.timestamp(new StringBuilder(), 1_795_620_616_000L).toString());
    }
}
