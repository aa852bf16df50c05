package org.m2mbridge.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Whether connections may still issue requests: until the measured time ends or {@code count} were issued. */
final class LoadRun {
    /** What became of one attempt to issue a request; a request remembers it until its answer. */
    enum Issue {
        /** Nothing issued: the run is over, or {@code count} measured requests are out. */
        NONE,
        /** Issued before measuring started: answered like any other, never counted. */
        WARM_UP,
        /** One of the measured requests: count mode waits for exactly these answers. */
        MEASURED
    }

    private final long count;
    private final AtomicLong measuredIssued = new AtomicLong();
    private final AtomicLong measuredAnswered = new AtomicLong();
    private final CountDownLatch countDone = new CountDownLatch(1);
    private volatile boolean issuing = true;
    private volatile boolean measuring;

    LoadRun(long count) {
        this.count = count;
    }

    Issue issue() {
        if (!issuing) {
            return Issue.NONE;
        }
        if (!measuring) {
            return Issue.WARM_UP;
        }
        return count <= 0 || measuredIssued.incrementAndGet() <= count ? Issue.MEASURED : Issue.NONE;
    }

    /**
     * The answer to a request issued as {@code issued}. Count mode ends when every measured request is answered;
     * an answer to a warm-up request never counts, even when it arrives after measuring started, so the count
     * cannot be reached while a measured answer is still on its way.
     */
    void answered(Issue issued) {
        if (issued == Issue.MEASURED && count > 0 && measuredAnswered.incrementAndGet() >= count) {
            countDone.countDown();
        }
    }

    /** Call after {@link Measurement#startMeasuring()}, so every measured request is answered inside its window. */
    void startMeasuring() {
        measuring = true;
    }

    void stopIssuing() {
        issuing = false;
    }

    /** Count mode: true once {@code count} measured requests were answered, within the timeout. */
    boolean awaitCount(long timeoutMillis) throws InterruptedException {
        return countDone.await(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
