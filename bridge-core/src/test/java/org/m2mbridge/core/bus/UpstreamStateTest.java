package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class UpstreamStateTest {

    @Test
    void eachChangeIsLoggedOnceWithItsCauseAndTheLatestCauseIsKept() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger(UpstreamState.class);
        logger.addAppender(lines);
        try {
            UpstreamState state = new UpstreamState("in-cse", true, "not contacted yet");
            state.up("answered a request");
            assertEquals("answered a request", state.health().reason());
            Instant before = state.health().since();
            for (int i = 0; i < 1000; i++) {
                state.down("cannot connect to http://10.0.0.5:8080: Connection refused");
            }
            assertFalse(state.isUp());
            assertTrue(!state.health().since().isBefore(before));
            state.down("TCP connect to 10.0.0.5:8080 failed: Connection refused");
            assertEquals("TCP connect to 10.0.0.5:8080 failed: Connection refused", state.health().reason());
            state.up("answered a request");
            assertEquals(2, lines.list.size(), lines.list.toString());
            assertEquals("upstream in-cse is DOWN: cannot connect to http://10.0.0.5:8080: Connection refused; "
                    + "requests that cannot reach it are answered 5103 until it is back",
                    lines.list.get(0).getFormattedMessage());
            assertEquals("WARN", lines.list.get(0).getLevel().toString());
            assertTrue(lines.list.get(1).getFormattedMessage().matches(
                    "upstream in-cse is UP after \\d+ ms down: answered a request"), lines.list.get(1).toString());
        } finally {
            logger.detachAppender(lines);
        }
    }

    @Test
    void durationsForPeople() {
        assertEquals("850 ms", UpstreamState.formatDuration(Duration.ofMillis(850)));
        assertEquals("12.3 s", UpstreamState.formatDuration(Duration.ofMillis(12_340)));
        assertEquals("4 min 5 s", UpstreamState.formatDuration(Duration.ofSeconds(245)));
        assertEquals("2 h 3 min", UpstreamState.formatDuration(Duration.ofMinutes(123)));
    }
}
