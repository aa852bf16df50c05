package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/**
 * Requests received lately over MQTT, by (originator, rqi, op, to), with their response: a QoS 1 redelivery of a
 * request (DUP, after a reconnect) or a peer's retry of it is answered with the first exchange's response instead
 * of reaching the entity twice (docs/reliability.md, "MQTT"; Mobius caches responses by op, to and rqi for the same
 * reason). An exchange is remembered until {@link #WINDOW} after it completed (simple devices count rqis from 1
 * again after a restart, so a repeat is only a redelivery for a while) and at most {@code capacity} of them: the
 * oldest goes first.
 */
final class RecentExchanges {
    /** How long a repeated (originator, rqi, op, to) counts as a redelivery of a request answered already. */
    static final Duration WINDOW = Duration.ofSeconds(60);

    private final Map<String, CompletableFuture<ResponsePrimitive>> byKey;
    private final ScheduledExecutorService timer;

    RecentExchanges(int capacity, ScheduledExecutorService timer) {
        this.timer = timer;
        byKey = new LinkedHashMap<>(capacity * 2, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<ResponsePrimitive>> eldest) {
                return size() > capacity;
            }
        };
    }

    static String key(String originator, String rqi, String op, String to) {
        return originator + '\u0000' + rqi + '\u0000' + op + '\u0000' + to;
    }

    /**
     * The response to the request under {@code key}: a new {@code exchange} the first time, the first exchange's
     * response for a repeat ({@code onRepeat} runs then). A null key (no rqi) is never a repeat.
     */
    CompletableFuture<ResponsePrimitive> once(String key, Supplier<CompletableFuture<ResponsePrimitive>> exchange,
                                              Runnable onRepeat) {
        if (key == null) {
            return exchange.get();
        }
        CompletableFuture<ResponsePrimitive> fresh = new CompletableFuture<>();
        CompletableFuture<ResponsePrimitive> earlier;
        synchronized (this) {
            earlier = byKey.putIfAbsent(key, fresh);
        }
        if (earlier != null) {
            onRepeat.run();
            return earlier;
        }
        fresh.whenComplete((r, e) -> forgetLater(key, fresh));
        exchange.get().whenComplete((r, e) -> {
            if (e != null) {
                fresh.completeExceptionally(e);
            } else {
                fresh.complete(r);
            }
        });
        return fresh;
    }

    private void forgetLater(String key, CompletableFuture<ResponsePrimitive> exchange) {
        try {
            timer.schedule(() -> forget(key, exchange), WINDOW.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // the bridge stops: nothing to forget for
        }
    }

    private synchronized void forget(String key, CompletableFuture<ResponsePrimitive> exchange) {
        byKey.remove(key, exchange);
    }
}
