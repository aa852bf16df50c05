package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

class DeadlinesTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private final Deadlines d = new Deadlines(Duration.ofSeconds(30), Duration.ofMinutes(2),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private Instant of(String rqet) {
        return d.deadlineOf(RequestPrimitive.builder().op(Operation.RETRIEVE).to("x").rqet(rqet).build());
    }

    @Test
    void absentRqetGivesTheDefault() {
        assertEquals(NOW.plusSeconds(30), of(null));
    }

    @Test
    void relativeMillisecondsAbsoluteTimestampsAndIsoDurations() {
        assertEquals(NOW.plusMillis(1500), of("1500"));
        assertEquals(Instant.parse("2026-11-25T12:00:10.123456Z"), of("20261125T120010,123456"));
        assertEquals(Instant.parse("2026-11-25T12:00:10.5Z"), of("20261125T120010.5"));
        assertEquals(NOW.plusSeconds(2), of("PT2S"));
    }

    @Test
    void farFutureIsCappedAndGarbageFallsBackToTheDefault() {
        assertEquals(NOW.plus(Duration.ofMinutes(2)), of("99991231T000000"));
        assertEquals(NOW.plusSeconds(30), of("tomorrow"));
    }

    @Test
    void pastTimestampStaysInThePastSoTheBusRefusesIt() {
        assertTrue(of("20200101T000000").isBefore(NOW));
    }

    @Test
    void formatIsTheBasicFormatWithMicroseconds() {
        assertEquals("20261125T120010,123456", Deadlines.format(Instant.parse("2026-11-25T12:00:10.123456Z")));
    }
}
