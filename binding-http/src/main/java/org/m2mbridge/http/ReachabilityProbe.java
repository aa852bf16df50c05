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
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.bus.UpstreamState;

/**
 * Whether an HTTP upstream can be reached, for {@code /health/ready}: real exchanges decide (an answer = up, a
 * refused or dropped connection = down), and while no exchange says so a TCP connect decides. It probes once at
 * start, so a bridge whose CSE is not there is not ready from the beginning, and then, only while the upstream is
 * down, every {@code interval}, so it becomes ready again when the CSE comes back even without device traffic.
 * Name resolution runs on the common pool and the connect is asynchronous, bounded by {@code timeout}: nothing
 * blocks the shared timer. Every change is logged once with its cause ({@link UpstreamState}).
 */
final class ReachabilityProbe implements AutoCloseable {
    private final InetSocketAddress address;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private final Duration timeout;
    private final UpstreamState state;
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile ScheduledFuture<?> next;
    private volatile boolean closed;

    ReachabilityProbe(String upstream, URI url, ScheduledExecutorService timer, Duration interval, Duration timeout) {
        this.state = new UpstreamState(upstream, true, "not contacted yet");
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

    UpstreamHealth health() {
        return state.health();
    }

    /** An exchange got an answer: up. */
    void answered() {
        state.up("answered a request");
    }

    /** An exchange could not connect, or its connection failed ({@code why}): down, and probing until it is back. */
    void failed(String why) {
        state.down(why);
        scheduleProbe();
    }

    private String target() {
        return address.getHostString() + ":" + address.getPort();
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
            done(channel, giveUp, "host name " + address.getHostString() + " does not resolve");
            return;
        }
        channel.connect(resolved, null, new CompletionHandler<Void, Void>() {
            @Override
            public void completed(Void result, Void attachment) {
                done(channel, giveUp, null);
            }

            @Override
            public void failed(Throwable e, Void attachment) {
                done(channel, giveUp, e instanceof java.nio.channels.AsynchronousCloseException
                        ? "no TCP connection within " + timeout.toMillis() + " ms (upstreams[].http.connectTimeout)"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        });
    }

    /** {@code failure} null: the TCP connect succeeded. */
    private void done(AsynchronousSocketChannel channel, ScheduledFuture<?> giveUp, String failure) {
        giveUp.cancel(false);
        close(channel);
        probing.set(false);
        if (closed) {
            return;
        }
        if (failure == null) {
            state.up("TCP connect to " + target() + " succeeded");
        } else {
            failed("TCP connect to " + target() + " failed: " + failure);
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
