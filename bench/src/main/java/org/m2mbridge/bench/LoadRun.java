package org.m2mbridge.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Whether connections may still issue requests: until the measured time ends or {@code count} were issued. */
final class LoadRun {
    private final long count;
    private final AtomicLong measuredIssued = new AtomicLong();
    private final AtomicLong measuredAnswered = new AtomicLong();
    private final CountDownLatch countDone = new CountDownLatch(1);
    private volatile boolean issuing = true;
    private volatile boolean measuring;

    LoadRun(long count) {
        this.count = count;
    }

    boolean mayIssue() {
        if (!issuing) {
            return false;
        }
        return !measuring || count <= 0 || measuredIssued.incrementAndGet() <= count;
    }

    void answered() {
        if (measuring && count > 0 && measuredAnswered.incrementAndGet() >= count) {
            countDone.countDown();
        }
    }

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
