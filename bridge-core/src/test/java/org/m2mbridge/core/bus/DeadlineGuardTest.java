package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.TestBus;

/** One deadline timer per exchange: the bus guards only a link that does not complete by its deadline itself. */
class DeadlineGuardTest {
    private final RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to("Cae1").fr("/id-in")
            .rqi("n1").build();

    private static Link link(boolean completesByDeadline, CompletableFuture<ResponsePrimitive> answer) {
        return new Link() {
            @Override
            public String id() {
                return "test-1";
            }

            @Override
            public String binding() {
                return "ws";
            }

            @Override
            public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
                return answer;
            }

            @Override
            public boolean completesByDeadline() {
                return completesByDeadline;
            }
        };
    }

    private static int scheduled(TestBus bus) {
        return ((ScheduledThreadPoolExecutor) bus.timer).getQueue().size();
    }

    /** The guard as the bus wires it, on the test bus's timer. */
    private static DeadlineGuard guard(TestBus bus) {
        Deadlines deadlines = new Deadlines(Duration.ofSeconds(30), Duration.ofSeconds(120), Clock.systemUTC());
        return new DeadlineGuard(bus.timer, bus.metrics, new PrimitiveTraffic(bus.metrics), () -> deadlines);
    }

    @Test
    void aLinkThatAnswersByItsDeadlineGetsNoGuardTimer() {
        try (TestBus bus = new TestBus(Duration.ofSeconds(30))) {
            int before = scheduled(bus);
            CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
            CompletableFuture<ResponsePrimitive> result = guard(bus).deliver(link(true, answer), notify,
                    Instant.now().plusSeconds(30));
            assertEquals(before, scheduled(bus), "no timer of the bus's own");
            answer.complete(ResponsePrimitive.builder(2000, "n1").build());
            assertEquals(2000, result.join().rsc());
        }
    }

    @Test
    void aLinkThatMightNeverAnswerIsGuardedUntilItAnswers() {
        try (TestBus bus = new TestBus(Duration.ofSeconds(30))) {
            int before = scheduled(bus);
            CompletableFuture<ResponsePrimitive> answer = new CompletableFuture<>();
            CompletableFuture<ResponsePrimitive> result = guard(bus).deliver(link(false, answer), notify,
                    Instant.now().plusSeconds(30));
            assertEquals(before + 1, scheduled(bus), "the bus's guard");
            answer.complete(ResponsePrimitive.builder(2000, "n1").build());
            assertEquals(2000, result.join().rsc());
            assertEquals(before, scheduled(bus), "cancelled and removed once answered");
        }
    }
}
