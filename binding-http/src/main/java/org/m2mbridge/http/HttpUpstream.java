package org.m2mbridge.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.apache.hc.core5.http.HttpHost;
import org.m2mbridge.core.bus.ConfiguredUpstream;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.bus.UpstreamHealth;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.http.config.HttpConfiguration;
import org.m2mbridge.http.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream CSE reached over HTTP (TS-0009), with Apache HttpClient 5's asynchronous client: one pooled,
 * keep-alive connection set per upstream, nothing ever blocks a thread. Outcomes become oneM2M answers in
 * {@link HttpExchange} ({@link HttpFailures}, {@link TransportFailure}): connect/DNS/TLS failure or a closed
 * connection 5103, no answer before the request's deadline 4008 (however the client noticed), an undecodable
 * answer 5000.
 */
public final class HttpUpstream extends ConfiguredUpstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstream.class);
    /** While the upstream is down, a TCP connect this often tells when it is back (for /health/ready). */
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

    private final PrimitiveCodec codec;
    private final BridgeMetrics metrics;
    private final Supplier<String> notificationBase;
    private final HttpRequestMapping.MediaTypes mediaTypes;
    /** The upstream's scheme, host and port, and the path its URL has before the request-target (often empty). */
    private final HttpHost host;
    private final String basePath;
    private final Clock clock;
    private final HttpRequestSender sender;
    private final ReachabilityProbe reachability;
    private final HttpExchange exchange;

    /**
     * @param notificationBase the bridge's public inbound URL plus the notification path (no trailing slash), or
     *                         null when no inbound HTTP listener is configured
     */
    public HttpUpstream(UpstreamConfig config, Codecs codecs, BridgeMetrics metrics, ScheduledExecutorService timer,
                        Supplier<String> notificationBase, Clock clock) {
        super(config);
        this.codec = codecs.get(config.serializationFormat());
        this.metrics = metrics;
        this.notificationBase = notificationBase;
        this.clock = clock;
        HttpUpstreamSettings s = HttpUpstreamSettings.of(config);
        this.mediaTypes = s.mediaTypes().equals("vnd") ? HttpRequestMapping.MediaTypes.VND
                : HttpRequestMapping.MediaTypes.GENERIC;
        String url = config.url();
        this.sender = new HttpRequestSender(s, timer, codecs.limits().maxBytes());
        URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.host = HttpHost.create(base);
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
        this.reachability = new ReachabilityProbe(config.name(), base, timer, PROBE_INTERVAL,
                s.connectTimeout());
        this.exchange = new HttpExchange(codecs, codec.serialization(), metrics, true, new Health());
    }

    public void start() {
        sender.start();
        reachability.start();
    }

    @Override
    public String binding() {
        return "http";
    }

    /**
     * {@code <inbound public URL><notificationPath>/<token>}, resolved by {@link CseRequestRoute}; none with
     * {@code notifications: false} (the configuration refuses an http upstream without {@code listeners.http}
     * otherwise).
     */
    @Override
    public List<String> pointOfAccess(String token, String entityId) {
        String base = notificationBase == null ? null : notificationBase.get();
        if (base == null) {
            if (HttpConfiguration.notifications(config)) {
                LOG.warn("upstream {}: no inbound HTTP listener (listeners.http), so it cannot notify entity {}",
                        config.name(), entityId);
            }
            return List.of();
        }
        return List.of(base + "/" + token);
    }

    @Override
    public boolean isReachable() {
        return reachability.health().up();
    }

    @Override
    public UpstreamHealth health() {
        return reachability.health();
    }

    /** The innermost cause in words ({@code ConnectException: Connection refused}), for the DOWN log line. */
    private static String causeText(Throwable cause) {
        Throwable t = cause;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    /**
     * Every exchange ends by its deadline here: the sender's one deadline sweep cancels it (lease, connect and
     * transfer) and it is answered 4008, so the bus adds no guard timer of its own (one deadline per exchange).
     */
    @Override
    public boolean completesByDeadline() {
        return true;
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        long leftMs = Duration.between(clock.instant(), deadline).toMillis();
        return exchange.send(request, peer(), leftMs, left -> {
            HttpRequestMessage msg = HttpRequestMapping.toHttp(request, codec, mediaTypes);
            return sender.send(host, basePath + msg.target(), msg, left);
        });
    }

    /** The upstream's share of an exchange: its reachability (for /health/ready) and its error counts. */
    private final class Health implements HttpExchange.Observer {
        @Override
        public void answered() {
            reachability.answered();
        }

        @Override
        public void failed(TransportFailure failure, Throwable cause) {
            if (failure.unreachable()) {
                reachability.failed(failure.describe(host.toURI()) + (cause == null ? "" : ": " + causeText(cause)));
            }
            metrics.upstreamError(config.name(), failure.errorKind());
        }
    }

    private String peer() {
        return "upstream " + config.name();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /** Lets exchanges in flight finish for up to {@code grace}, then closes every connection. */
    public void close(Duration grace) {
        reachability.close();
        sender.close(grace);
    }
}
