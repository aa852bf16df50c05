package org.m2mbridge.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether an HTTP upstream can be reached, for {@code /health/ready}: real exchanges decide (an answer = up, a
 * refused or dropped connection = down), and while no exchange says so a TCP connect decides. It probes once at
 * start, so a bridge whose CSE is not there is not ready from the beginning, and then, only while the upstream is
 * down, every {@code interval}, so it becomes ready again when the CSE comes back even without device traffic.
 * Name resolution runs on the common pool and the connect is asynchronous, bounded by {@code timeout}: nothing
 * blocks the shared timer.
 */
final class ReachabilityProbe implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReachabilityProbe.class);

    private final String upstream;
    private final InetSocketAddress address;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Duration timeout;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;

    ReachabilityProbe(String upstream, URI url, ScheduledExecutorService timer, Duration interval, Duration timeout) {
        this.upstream = upstream;
        int port = url.getPort() > 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        this.address = InetSocketAddress.createUnresolved(url.getHost(), port);
        this.timer = timer;
        this.interval = interval;
        this.timeout = timeout;
    }

    void start() {
        probeAsync();
    }

    /** Off the caller's thread: resolving the host name may block. */
    private void probeAsync() {
        try {
            java.util.concurrent.CompletableFuture.runAsync(this::probe);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    boolean isReachable() {
        return reachable.get();
    }

    /** An exchange got an answer: up. */
    void answered() {
        set(true);
    }

    /** An exchange could not connect, or its connection failed: down, and probing until it is back. */
    void failed() {
        set(false);
    }

    private void set(boolean up) {
        if (reachable.getAndSet(up) != up) {
            LOG.info("upstream {} is {}", upstream, up ? "reachable again" : "not reachable");
        }
        if (!up) {
            scheduleProbe();
        }
    }

    private void scheduleProbe() {
        if (closed || next != null && !next.isDone()) {
            return;
        }
        try {
            next = timer.schedule(this::probeAsync, interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    private void probe() {
        if (closed || !probing.compareAndSet(false, true)) {
            return;
        }
        AsynchronousSocketChannel channel;
        try {
            channel = AsynchronousSocketChannel.open();
        } catch (IOException e) {
            probing.set(false);
            return;
        }
        InetSocketAddress resolved = new InetSocketAddress(address.getHostString(), address.getPort());
        ScheduledFuture<?> giveUp;
        try {
            giveUp = timer.schedule(() -> close(channel), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            close(channel);
            probing.set(false);
            return;
        }
        if (resolved.isUnresolved()) {
            done(channel, giveUp, false);
            return;
        }
        channel.connect(resolved, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void result, Void attachment) {
                done(channel, giveUp, true);
            }

            @Override
            public void failed(Throwable e, Void attachment) {
                done(channel, giveUp, false);
            }
        });
    }

    private void done(AsynchronousSocketChannel channel, ScheduledFuture<?> giveUp, boolean connected) {
        giveUp.cancel(false);
        close(channel);
        probing.set(false);
        if (!closed) {
            set(connected);
        }
    }

    private static void close(AsynchronousSocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> n = next;
        if (n != null) {
            n.cancel(false);
        }
    }
}
