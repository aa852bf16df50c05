package org.m2mbridge.http;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import org.m2mbridge.core.config.ListenerConfig;
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
    private final Undertow server;
    private final GracefulShutdownHandler drain;
    private final URI bound;

    private HttpListener(String name, Undertow server, GracefulShutdownHandler drain, URI bound) {
        this.name = name;
        this.server = server;
        this.drain = drain;
        this.bound = bound;
    }

    static HttpListener start(String name, ListenerConfig listener, int ioThreads, int maxBytes, HttpHandler handler) {
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(handler);
        Undertow s = Undertow.builder()
                .addHttpListener(listener.port(), listener.host())
                .setIoThreads(ioThreads)
                .setWorkerThreads(1) // nothing runs on workers: the bus is asynchronous
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) maxBytes)
                .setHandler(graceful)
                .build();
        try {
            s.start();
        } catch (RuntimeException e) {
            s.stop(); // a taken port: release the worker threads the failed start left behind
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) s.getListenerInfo().get(0).getAddress();
        String host = address.getHostString();
        URI bound = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort()
                + "/");
        return new HttpListener(name, s, graceful, bound);
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
        server.stop();
    }
}
