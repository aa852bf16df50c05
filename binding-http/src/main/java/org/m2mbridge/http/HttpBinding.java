package org.m2mbridge.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.TlsSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.limits.FileDescriptorBudget;
import org.m2mbridge.http.config.HttpConfiguration;
import org.m2mbridge.http.config.HttpSettings;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.listener.HttpListener;
import org.m2mbridge.core.dialect.DialectRepair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP binding (TS-0009): an {@link HttpUpstream} per configured upstream with {@code binding: http}; the
 * inbound Undertow server on {@code listeners.http} where upstream CSEs send notifications and requests for
 * entities registered through the bridge; and, with {@code listeners.deviceHttp}, a second server where devices
 * that speak HTTP send their requests as to their registrar, reached back through {@link HttpDeviceLink}.
 * Registered with ServiceLoader.
 */
public final class HttpBinding implements Binding {
    private static final Logger LOG = LoggerFactory.getLogger(HttpBinding.class);

    private final List<HttpUpstream> upstreams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private BridgeContext context;
    private volatile HttpListener cseListener;
    private volatile boolean stopping;
    private volatile HttpListener deviceListener;
    private volatile HttpRequestSender deviceSender;
    private volatile String notificationBase;

    @Override
    public String name() {
        return "http";
    }

    @Override
    public int order() {
        return 1;
    }

    @Override
    public BindingConfiguration configuration() {
        return new HttpConfiguration(name());
    }

    @Override
    public List<String> upstreamFiles(UpstreamConfig config) {
        return TlsSettings.filesOf(HttpUpstreamSettings.of(config).tls());
    }

    @Override
    public List<String> listenerKeys() {
        return List.of(HttpConfiguration.CSE_LISTENER, HttpConfiguration.DEVICE_LISTENER);
    }

    @Override
    public synchronized void start(BridgeContext context) throws Exception {
        this.context = context;
        BridgeConfig config = context.config();
        ListenerConfig listener = HttpConfiguration.cseListener(config);
        if (listener != null) {
            startCseListener(context, listener);
        }
        ListenerConfig devices = HttpConfiguration.deviceListener(config);
        if (devices != null) {
            startDeviceListener(context, devices);
        }
        for (UpstreamConfig u : config.upstreams()) {
            if (name().equals(u.binding())) {
                context.bus().addUpstream(startUpstream(u));
            }
        }
    }

    @Override
    public synchronized Upstream startUpstream(UpstreamConfig u) {
        // notifications: false announces no point of access for the entities (HttpConfiguration)
        HttpUpstream upstream = new HttpUpstream(u, context.codecs(), context.metrics(), context.timer(),
                notificationBase == null || !HttpConfiguration.notifications(u) ? null : () -> notificationBase, Clock.systemUTC());
        upstream.start();
        upstreams.add(upstream);
        LOG.info("upstream {} -> {} (http, {})", u.name(), u.url(), u.serialization());
        return upstream;
    }

    /** In-flight requests finish on the old client (its own TLS material) for up to {@code grace}. */
    @Override
    public void retireUpstream(Upstream upstream, Duration grace) {
        if (upstream instanceof HttpUpstream http && upstreams.remove(http)) {
            http.close(grace);
        }
    }

    /** Request bodies are paid for from the process-wide inbound budget, as WebSocket messages are. */
    private static RequestBodyReader bodies(BridgeContext context) {
        return new RequestBodyReader(context.inboundBudget(), maxBytes(context));
    }

    private void startCseListener(BridgeContext context, ListenerConfig listener) throws java.io.IOException {
        String notificationPath = HttpSettings.of(context.config()).notificationPath();
        PrimitiveHttpHandler handler = new PrimitiveHttpHandler(context.codecs(), context.metrics(), bodies(context),
                new CseRequestRoute(context.bus(), context.directory(), context.metrics(), notificationPath));
        cseListener = HttpListener.start(spec(context, HttpConfiguration.CSE_LISTENER, listener), handler, context.metrics());
        notificationBase = base(listener, cseListener.bound()) + notificationPath;
        LOG.info("listening http={} (notifications at {}/<token>)", cseListener.bound(), notificationBase);
    }

    /** Devices' requests in (TS-0009 as their registrar); their notifications out to their own poa. */
    private void startDeviceListener(BridgeContext context, ListenerConfig listener) throws java.io.IOException {
        HttpRequestSender sender = new HttpRequestSender(HttpUpstreamSettings.DEFAULTS, context.timer(),
                maxBytes(context));
        sender.start();
        deviceSender = sender;
        HttpDeviceLink link = new HttpDeviceLink(context.bus(), sender, context.codecs(), context.metrics(),
                Clock.systemUTC());
        PrimitiveHttpHandler handler = new PrimitiveHttpHandler(context.codecs(), context.metrics(), bodies(context),
                new DeviceRequestRoute(context.bus(), context.admission(), link,
                        DialectRepair.of(HttpConfiguration.DEVICE_LISTENER, listener.dialect(), context.config(), context.metrics())));
        deviceListener = HttpListener.start(spec(context, HttpConfiguration.DEVICE_LISTENER, listener), handler, context.metrics());
        LOG.info("listening deviceHttp={}", deviceListener.bound());
    }

    /**
     * Both listeners take the {@code http.*} limits within their share of the file-descriptor limit, and repair the
     * request-target tinyIoT sends ({@link OriginFormRepair}) before Undertow parses it.
     */
    private static HttpListener.Spec spec(BridgeContext context, String name, ListenerConfig listener) {
        BridgeConfig config = context.config();
        return new HttpListener.Spec(name, "http", listener,
                FileDescriptorBudget.forThisProcess(config).share(HttpConfiguration.LISTENER_SHARE),
                HttpSettings.of(config).ioThreads(), 1, maxBytes(context), OriginFormRepair::new);
    }

    /** {@code publicUrl} if configured, else the bound address; without a trailing slash. */
    private static String base(ListenerConfig listener, URI bound) {
        String base = listener.publicUrl() != null ? listener.publicUrl() : bound.toString();
        return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    private static int maxBytes(BridgeContext context) {
        return context.config().limits().maxMessageBytes();
    }

    @Override
    public Map<String, URI> boundListeners() {
        Map<String, URI> out = new LinkedHashMap<>();
        HttpListener cse = cseListener;
        if (cse != null) {
            out.put(HttpConfiguration.CSE_LISTENER, cse.bound());
        }
        HttpListener device = deviceListener;
        if (device != null) {
            out.put(HttpConfiguration.DEVICE_LISTENER, device.bound());
        }
        return out;
    }

    /**
     * Started and not stopping. Whether its upstreams answer is each upstream's own readiness check, which counts
     * only with {@code admin.readinessIncludesUpstreams} (README "Health").
     */
    @Override
    public boolean isReady() {
        return !stopping;
    }

    @Override
    public synchronized void stop(Duration grace) {
        stopping = true;
        List<HttpListener> listeners = new ArrayList<>();
        if (cseListener != null) {
            listeners.add(cseListener);
        }
        if (deviceListener != null) {
            listeners.add(deviceListener);
        }
        listeners.forEach(HttpListener::refuseNew); // both drain at once: one grace in all, not one each
        listeners.forEach(l -> l.stop(grace));
        cseListener = null;
        deviceListener = null;
        HttpRequestSender sender = deviceSender;
        deviceSender = null;
        if (sender != null) {
            sender.close(grace);
        }
        for (HttpUpstream u : upstreams) {
            u.close(grace);
        }
        upstreams.clear();
    }
}
