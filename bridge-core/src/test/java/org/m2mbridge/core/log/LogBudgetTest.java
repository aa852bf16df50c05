package org.m2mbridge.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.testing.Await;

class LogBudgetTest {

    @Test
    void aBurstIsWrittenThenLinesAreCountedAndTheNextWrittenLineSaysHowMany() throws Exception {
        LogBudget budget = new LogBudget(3, Duration.ofSeconds(2));
        assertEquals(0, budget.admit());
        assertEquals(0, budget.admit());
        assertEquals(0, budget.admit());
        for (int i = 0; i < 1000; i++) {
            assertEquals(-1, budget.admit(), "over the burst: left out");
        }
        AtomicLong admitted = new AtomicLong(-1);
        Await.within(Duration.ofSeconds(10), () -> admitted.updateAndGet(x -> budget.admit()) >= 0);
        long more = admitted.get();
        // the 1000 left out, plus the polls above that came before the refill
        assertTrue(more >= 1000, "the line after the pause tells how many were left out: " + more);
        assertEquals(-1, budget.admit(), "one line per refill");
        assertEquals(" (and 1000 more since the previous line)", LogBudget.more(1000));
        assertEquals("", LogBudget.more(0));
    }
}
