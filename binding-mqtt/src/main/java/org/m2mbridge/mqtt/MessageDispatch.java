package org.m2mbridge.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Bounded hand-off from an MQTT client's single callback thread to worker threads: Paho sends the QoS 1 PUBACK
 * only after {@code messageArrived} returns (docs/libraries.md PAHO-2), so that thread must never wait. When a queue is
 * full the work is refused at once and the caller drops the message and counts it.
 * <p>
 * Work is partitioned by a key (the entity a request is for, the originator a response is for) onto one
 * single-threaded lane each, so that what MQTT delivers in order per topic (MQTT 3.1.1 4.6) reaches an entity in
 * order: two notifications of one subscription must not overtake each other in the bridge.
 */
final class MessageDispatch {
    private final List<ThreadPoolExecutor> lanes = new ArrayList<>();

    MessageDispatch(int threads, int queueCapacity) {
        int perLane = Math.max(1, queueCapacity / threads);
        for (int i = 0; i < threads; i++) {
            String name = "mqtt-dispatch-" + (i + 1);
            lanes.add(new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(perLane), r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy()));
        }
    }

    /**
     * Runs {@code task} on the lane of {@code key}, after the earlier tasks of that lane; false (and nothing runs)
     * when that lane's queue is full or dispatch stopped.
     */
    boolean offer(String key, Runnable task) {
        try {
            lanes.get(Math.floorMod(key.hashCode(), lanes.size())).execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    void stop(Duration grace) {
        lanes.forEach(ThreadPoolExecutor::shutdown);
        long end = System.nanoTime() + Math.max(1, grace.toNanos());
        try {
            for (ThreadPoolExecutor lane : lanes) {
                if (!lane.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    lane.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            lanes.forEach(ThreadPoolExecutor::shutdownNow);
            Thread.currentThread().interrupt();
        }
    }
}
