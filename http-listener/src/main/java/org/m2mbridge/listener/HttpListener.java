package org.m2mbridge.listener;

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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.StreamConnection;
import org.xnio.Xnio;
import org.xnio.XnioWorker;
import org.xnio.channels.AcceptingChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * One plain HTTP/1.1 listener on Undertow, with the connection limits of docs/security.md ("HTTP listeners"):
 * {@code listeners.http} and {@code listeners.deviceHttp} (binding-http) and {@code listeners.admin} (distribution).
 * Wired by hand, as {@code Undertow.start()} does it for a plain HTTP listener, so that each accepted connection
 * passes {@link ConnectionAdmission} (caps, header deadline) and, if the caller asks, an input repair before Undertow
 * parses it. Graceful shutdown: exchanges in flight (a CSE's NOTIFY waiting for the device's answer) finish within
 * the grace; requests arriving meanwhile get 503 (GracefulShutdownHandler counts async exchanges too).
 */
public final class HttpListener {
    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    /**
     * What to start.
     *
     * @param name          metrics label and key: {@code http} is {@code listeners.http}
     * @param settings      the configuration section its limits come from ({@code http}, {@code admin}), for messages
     * @param listener      address to bind
     * @param limits        header and idle timeouts and connection caps, already within the descriptor budget
     * @param ioThreads     XNIO I/O threads
     * @param workerThreads task threads, for handlers that dispatch blocking work (at least 1)
     * @param maxEntityBytes largest request body Undertow lets through
     * @param input         wraps each connection's input before Undertow reads it; {@link UnaryOperator#identity()}
     */
    public record Spec(String name, String settings, ListenerConfig listener, ListenerLimits limits, int ioThreads,
                       int workerThreads, long maxEntityBytes, UnaryOperator<StreamSourceConduit> input) {
    }

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

    /** Binds and starts accepting; a taken port fails here with an IOException. */
    public static HttpListener start(Spec spec, HttpHandler handler, BridgeMetrics metrics) throws IOException {
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(handler);
        XnioWorker worker = Xnio.getInstance(HttpListener.class.getClassLoader()).createWorker(OptionMap.builder()
                .set(Options.WORKER_NAME, "http-" + spec.name())
                .set(Options.WORKER_IO_THREADS, spec.ioThreads())
                .set(Options.WORKER_TASK_CORE_THREADS, spec.workerThreads())
                .set(Options.WORKER_TASK_MAX_THREADS, spec.workerThreads())
                .set(Options.TCP_NODELAY, true)
                .set(Options.CORK, true)
                .getMap());
        ByteBufferPool buffers = new DefaultByteBufferPool(true, 16 * 1024 - 20, -1, 4);
        try {
            HttpOpenListener open = new HttpOpenListener(buffers, OptionMap.builder()
                    .set(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                    // between requests of a keep-alive connection (ListenerLimits.idleTimeout)
                    .set(UndertowOptions.NO_REQUEST_TIMEOUT, millis(spec.limits().idleTimeout()))
                    // a request head after the first, from its first byte; the first is ConnectionGuard's
                    .set(UndertowOptions.REQUEST_PARSE_TIMEOUT, millis(spec.limits().headerTimeout()))
                    .set(UndertowOptions.MAX_ENTITY_SIZE, spec.maxEntityBytes())
                    .getMap());
            ConnectionAdmission admission = new ConnectionAdmission(spec.name(), spec.settings(), spec.limits(), open,
                    spec.input(), metrics);
            open.setRootHandler(exchange -> {
                admission.requestArrived(exchange.getConnection());
                graceful.handleRequest(exchange);
            });
            ListenerConfig listener = spec.listener();
            AcceptingChannel<StreamConnection> server = worker.createStreamConnectionServer(
                    new InetSocketAddress(InetAddress.getByName(listener.host()), listener.port()), admission,
                    OptionMap.builder().set(Options.TCP_NODELAY, true).set(Options.REUSE_ADDRESSES, true)
                            .set(Options.BACKLOG, 1000)
                            // XNIO's accept thread runs ahead of the I/O thread that admits or refuses: a hard
                            // bound on the descriptors in between; beyond it connections wait in the backlog.
                            .set(Options.CONNECTION_HIGH_WATER, descriptors(spec.limits()))
                            .set(Options.CONNECTION_LOW_WATER, descriptors(spec.limits()))
                            .getMap());
            server.resumeAccepts();
            InetSocketAddress address = server.getLocalAddress(InetSocketAddress.class);
            String host = address.getHostString();
            URI bound = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + address.getPort() + "/");
            LOG.debug("listeners.{}: headerTimeout {}, idleTimeout {}, maxConnections {}, maxConnectionsPerAddress {}",
                    spec.name(), spec.limits().headerTimeout(), spec.limits().idleTimeout(),
                    spec.limits().maxConnections(), spec.limits().maxConnectionsPerAddress());
            return new HttpListener(spec.name(), worker, server, buffers, graceful, bound);
        } catch (IOException | RuntimeException e) {
            worker.shutdownNow(); // a taken port: release the threads the failed start left behind
            buffers.close();
            throw e;
        }
    }

    /** The most descriptors the listener's connections may hold: the admitted ones and those being refused. */
    private static int descriptors(ListenerLimits limits) {
        return (int) Math.min(Integer.MAX_VALUE, (long) limits.maxConnections() + FileDescriptorBudget.REFUSAL_ROOM);
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    public URI bound() {
        return bound;
    }

    /** Stops taking new exchanges (503); {@link #stop} then waits for the open ones. */
    public void refuseNew() {
        drain.shutdown();
    }

    /** Waits up to {@code grace} for open exchanges, then closes the listener and every connection. */
    public void stop(Duration grace) {
        drain.shutdown();
        try {
            if (!drain.awaitShutdown(Math.max(1, grace.toMillis()))) {
                LOG.warn("listeners.{}: HTTP exchanges still open after the shutdown grace of {}", name, grace);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IoUtils.safeClose(server);
        worker.shutdownNow(); // closes the remaining connections
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("listeners.{}: HTTP listener threads still running after stop", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buffers.close();
    }
}
