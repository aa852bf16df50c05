package org.m2mbridge.core.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.LimitsConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;

/** The budget's accounting and its choice of whom to shed, without sockets. */
@Timeout(30)
class InboundBudgetTest {
    private final BridgeMetrics metrics = new BridgeMetrics(new PrometheusRegistry());
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    /** Which holders were shed, in order, and why. */
    private final List<String> shed = new CopyOnWriteArrayList<>();

    private InboundBudget.Account open(InboundBudget budget, String name) {
        return budget.open(reason -> shed.add(name + ":" + reason.label()));
    }

    private double shedCount(ShedReason reason) {
        return metrics.loadShed.labelValues(reason.label()).get();
    }

    @Test
    void reservationsUnderTheLimitAreGrantedAndReleasedExactly() {
        InboundBudget budget = new InboundBudget(1000, metrics, clock::get);
        InboundBudget.Account a = open(budget, "a");
        assertTrue(a.reserve(600));
        assertTrue(a.reserve(400));
        assertEquals(1000, budget.used());
        a.release(400);
        assertEquals(600, a.held());
        a.close();
        assertEquals(0, budget.used());
        assertFalse(a.reserve(1), "a closed account takes nothing");
        assertEquals(List.of(), shed, "closing is not shedding");
    }

    @Test
    void theLargestHolderIsShedNotTheSmallRequesterNorTheSmallerHolder() {
        InboundBudget budget = new InboundBudget(1000, metrics, clock::get);
        InboundBudget.Account large = open(budget, "large");
        InboundBudget.Account small = open(budget, "small");
        InboundBudget.Account device = open(budget, "device");
        assertTrue(large.reserve(600));
        assertTrue(small.reserve(300));
        assertFalse(budget.shedRecently());

        assertTrue(device.reserve(200), "the small request gets room");
        assertEquals(List.of("large:memory_budget"), shed);
        assertTrue(large.isShed());
        assertEquals(500, budget.used(), "the shed holder's bytes are written off at once");
        large.release(600); // its late release changes nothing
        assertEquals(500, budget.used());
        assertEquals(1, shedCount(ShedReason.MEMORY_BUDGET));
        assertTrue(budget.shedRecently());
        clock.addAndGet(InboundBudget.SHEDDING_REPORTED_FOR.toNanos() + 1);
        assertFalse(budget.shedRecently(), "reported for a while only");
    }

    @Test
    void aRequesterThatWouldHoldTheMostIsItselfShed() {
        InboundBudget budget = new InboundBudget(1000, metrics, clock::get);
        InboundBudget.Account holder = open(budget, "holder");
        InboundBudget.Account greedy = open(budget, "greedy");
        assertTrue(holder.reserve(300));
        assertTrue(greedy.reserve(500));
        assertFalse(greedy.reserve(300), "800 would be the most");
        assertEquals(List.of("greedy:memory_budget"), shed);
        assertEquals(300, budget.used());
        assertEquals(300, holder.held());
    }

    @Test
    void onATieTheNewestHolderIsShed() {
        InboundBudget budget = new InboundBudget(1000, metrics, clock::get);
        InboundBudget.Account older = open(budget, "older");
        InboundBudget.Account newer = open(budget, "newer");
        InboundBudget.Account requester = open(budget, "requester");
        assertTrue(older.reserve(450));
        assertTrue(newer.reserve(450));
        assertTrue(requester.reserve(200));
        assertEquals(List.of("newer:memory_budget"), shed);
    }

    @Test
    void aMessageOlderThanTheTimeoutIsShedByTheSweepAndOnlyIt() {
        InboundBudget budget = new InboundBudget(1000, metrics, clock::get);
        InboundBudget.Account slow = open(budget, "slow");
        InboundBudget.Account quick = open(budget, "quick");
        InboundBudget.Account idle = open(budget, "idle");
        AssemblyDeadline sweep = new AssemblyDeadline(budget, Duration.ofSeconds(1));
        slow.messageStarted();
        assertTrue(slow.reserve(100));
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        quick.messageStarted();
        sweep.run();
        assertEquals(List.of(), shed);
        clock.addAndGet(Duration.ofMillis(500).toNanos());
        quick.messageEnded();
        sweep.run();
        assertEquals(List.of("slow:assembly_timeout"), shed);
        assertEquals(0, budget.used());
        assertFalse(budget.shedRecently(), "a late message is the sender's fault, not overload");
        assertEquals(1, shedCount(ShedReason.ASSEMBLY_TIMEOUT));
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        sweep.run();
        assertEquals(1, shed.size(), "shed once; the idle and the finished one are never touched");
        assertFalse(idle.isShed());
    }

    @Test
    void concurrentReservationsNeverLeaveTheBudgetUnbalanced() throws Exception {
        InboundBudget budget = new InboundBudget(64 * 1024, metrics);
        int threads = 4;
        CountDownLatch done = new CountDownLatch(threads);
        List<InboundBudget.Account> accounts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            InboundBudget.Account a = open(budget, "t" + t);
            accounts.add(a);
            Thread th = new Thread(() -> {
                for (int i = 0; i < 20_000 && !a.isShed(); i++) {
                    int n = 1 + (i % 7) * 1000;
                    if (a.reserve(n)) {
                        a.release(n);
                    }
                }
                done.countDown();
            });
            th.start();
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        long held = accounts.stream().mapToLong(a -> Math.max(0, a.held())).sum();
        assertEquals(held, budget.used(), "used is the sum of what the live accounts hold");
        accounts.forEach(InboundBudget.Account::close);
        assertEquals(0, budget.used());
    }

    @Test
    void theDefaultIsAQuarterOfTheHeapAtMostHalfTheDirectMemoryAndNeverBelowOneMessage() {
        LimitsConfig auto = LimitsConfig.DEFAULTS;
        assertEquals(64L << 20, BudgetSize.of(auto, 256L << 20, 256L << 20));
        assertEquals(32L << 20, BudgetSize.of(auto, 256L << 20, 64L << 20), "direct memory capped");
        assertEquals(1L << 20, BudgetSize.of(auto, 2L << 20, 2L << 20), "one largest message always fits");
        LimitsConfig set = ConfigLoader.parse("listeners:\n  ws: { port: 0 }\nlimits:\n  inboundBudgetBytes: 5000000\n")
                .limits();
        assertEquals(5_000_000, BudgetSize.of(set, 256L << 20, 256L << 20));
    }
}
