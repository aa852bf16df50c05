package org.m2mbridge.http;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.UndertowOptions;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.config.BindingType;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.UpstreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP binding (TS-0009): an {@link HttpUpstream} per configured upstream with {@code binding: http}, and the
 * inbound Undertow server on {@code listeners.http} where upstream CSEs send notifications and requests for
 * entities registered through the bridge. Registered with ServiceLoader.
 */
public final class HttpBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(HttpBinding.class);

    private final List<HttpUpstream> upstreams = new ArrayList<>();
    private volatile Undertow server;
    private volatile GracefulShutdownHandler drain;
    private volatile URI bound;
    private volatile String notificationBase;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public synchronized void start(BridgeContext context) throws Exception {
        BridgeConfig config = context.config();
        ListenerConfig listener = config.listeners().http();
        if (listener != null) {
            startServer(context, listener);
        }
        for (UpstreamConfig u : config.upstreams()) {
            if (u.binding() == BindingType.HTTP) {
                HttpUpstream upstream = new HttpUpstream(u, context.codecs(), context.metrics(), context.timer(),
                        notificationBase == null ? null : () -> notificationBase, Clock.systemUTC());
                upstream.start();
                upstreams.add(upstream);
                context.bus().addUpstream(upstream);
                LOG.info("upstream {} -> {} (http, {})", u.name(), u.url(), u.serialization());
            }
        }
    }

    private void startServer(BridgeContext context, ListenerConfig listener) {
        int maxBytes = config(context).limits().maxMessageBytes();
        String notificationPath = config(context).http().notificationPath();
        // Shutdown drains: exchanges in flight (a CSE's NOTIFY waiting for the device's answer) finish within the
        // grace; requests arriving meanwhile get 503 (GracefulShutdownHandler counts async exchanges too).
        GracefulShutdownHandler graceful = Handlers.gracefulShutdown(new InboundRequestHandler(context.bus(),
                context.codecs(), context.metrics(), notificationPath, maxBytes));
        Undertow s = Undertow.builder()
                .addHttpListener(listener.port(), listener.host())
                .setIoThreads(config(context).http().ioThreads())
                .setWorkerThreads(1) // nothing runs on workers: the bus is asynchronous
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) maxBytes)
                .setHandler(graceful)
                .build();
        s.start();
        server = s;
        drain = graceful;
        InetSocketAddress address = (InetSocketAddress) s.getListenerInfo().get(0).getAddress();
        bound = URI.create("http://" + hostForUrl(address) + ":" + address.getPort() + "/");
        String base = listener.publicUrl() != null ? listener.publicUrl() : bound.toString();
        notificationBase = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + notificationPath;
        LOG.info("listening http={} (notifications at {}/<token>)", bound, notificationBase);
    }

    private static BridgeConfig config(BridgeContext context) {
        return context.config();
    }

    private static String hostForUrl(InetSocketAddress address) {
        String host = address.getHostString();
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public Map<String, URI> boundListeners() {
        URI b = bound;
        return b == null ? Map.of() : Map.of("http", b);
    }

    @Override
    public boolean isReady() {
        return (bound != null || server == null) && upstreams.stream().allMatch(HttpUpstream::isReachable);
    }

    @Override
    public synchronized void stop(Duration grace) {
        Undertow s = server;
        server = null;
        GracefulShutdownHandler g = drain;
        drain = null;
        if (g != null) {
            g.shutdown();
            try {
                if (!g.awaitShutdown(Math.max(1, grace.toMillis()))) {
                    LOG.warn("inbound HTTP exchanges still open after the shutdown grace of {}", grace);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (s != null) {
            s.stop();
        }
        for (HttpUpstream u : upstreams) {
            u.close(grace);
        }
        upstreams.clear();
        bound = null;
    }
}
