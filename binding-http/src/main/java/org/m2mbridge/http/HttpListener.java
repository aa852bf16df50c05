package org.m2mbridge.http;

import io.undertow.Handlers;
import io.undertow.UndertowOptions;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.m2mbridge.core.config.ListenerConfig;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Undertow HTTP listener of the binding ({@code listeners.http} or {@code listeners.deviceHttp}) and its
 * graceful shutdown: exchanges in flight (a CSE's NOTIFY waiting for the device's answer) finish within the grace;
 * requests arriving meanwhile get 503 (GracefulShutdownHandler counts async exchanges too).
 */
final class HttpListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    private final String name;
    private final XnioWorker worker;
    private final AcceptingChannel<StreamConnection> server;
    private final ByteBufferPool buffers;
    private final GracefulShutdownHandler drain;
    private final URI bound;

    private HttpListener(String name, XnioWorker worker, AcceptingChannel<StreamConnection> server,
                         ByteBufferPool buffers, GracefulShutdownHandler drain, URI bound) {
        this.name = name;
        this.worker = worker;
        this.server = server;
        this.buffers = buffers;
        this.drain = drain;
        this.bound = bound;
    }

    /**
     * Wired by hand, as {@code Undertow.start()} does it for a plain HTTP listener, only so that each accepted
     * connection's input passes through {@link OriginFormRepair} before Undertow parses it; same options.
     */
    static HttpListener start(String name, ListenerConfig listener, int ioThreads, int maxBytes, HttpHandler handler)
            throws IOException {
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(handler);
        XnioWorker worker = Xnio.getInstance(HttpListener.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "http-" + name)
                .set(Options.WORKER_IO_THREADS, ioThreads)
                .set(Options.WORKER_TASK_CORE_THREADS, 1) // nothing runs on workers: the bus is asynchronous
                .set(Options.WORKER_TASK_MAX_THREADS, 1)
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
        try {
            HttpOpenListener open = new HttpOpenListener(buffers, OptionMap.builder()
                    .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                    .set(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                    .set(UndertowOptions.MAX_ENTITY_SIZE, (long) maxBytes)
                    .getMap());
            open.setRootHandler(graceful);
            ChannelListener<AcceptingChannel<StreamConnection>> accept = channel -> {
                StreamConnection c;
                try {
                    while ((c = channel.accept()) != null) {
                        c.getSourceChannel().setConduit(new OriginFormRepair(c.getSourceChannel().getConduit()));
                        open.handleEvent(c);
                    }
                } catch (IOException e) {
                    LOG.debug("{}: accept failed: {}", name, e.toString());
                }
            };
            AcceptingChannel<StreamConnection> server = worker.createStreamConnectionServer(
                    new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port()), accept,
                    OptionMap.builder().set(Options.TCP_NODELAY, true).set(Options.REUSE_ADDRESSES, true)
                            .set(Options.BALANCING_TOKENS, 1).set(Options.BALANCING_CONNECTIONS, 2)
                            .set(Options.BACKLOG, 1000).getMap());
            server.resumeAccepts();
            InetSocketAddress address = server.getLocalAddress(InetSocketAddress.class);
            String host = address.getHostString();
            URI bound = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + address.getPort() + "/");
            return new HttpListener(name, worker, server, buffers, graceful, bound);
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow(); // a taken port: release the threads the failed start left behind
            buffers.close();
            throw e;
        }
    }

    URI bound() {
        return bound;
    }

    /** {@code publicUrl} if configured, else the bound address; without a trailing slash. */
    static String base(ListenerConfig listener, URI bound) {
        String base = listener.publicUrl() != null ? listener.publicUrl() : bound.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Stops taking new exchanges (503); {@link #stop} then waits for the open ones. */
    void refuseNew() {
        drain.shutdown();
    }

    void stop(Duration grace) {
        drain.shutdown();
        try {
            if (!drain.awaitShutdown(Math.max(1, grace.toMillis()))) {
                LOG.warn("{}: HTTP exchanges still open after the shutdown grace of {}", name, grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IoUtils.safeClose(server);
        worker.shutdownNow(); // closes the remaining connections
        try {
            if (!worker.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                LOG.warn("{}: HTTP listener threads still running after stop", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buffers.close();
    }
}
