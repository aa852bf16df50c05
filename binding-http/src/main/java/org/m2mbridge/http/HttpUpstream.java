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
import org.m2mbridge.core.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream CSE reached over HTTP (TS-0009), with Apache HttpClient 5's asynchronous client: one pooled,
 * keep-alive connection set per upstream, nothing ever blocks a thread. Transport failures become oneM2M answers by
 * {@link HttpFailures} and {@link TransportFailure}: connect/DNS/TLS failure or a closed connection 5103, no answer
 * before the request's deadline 4008 (however the client noticed), an undecodable answer 5000.
 */
public final class HttpUpstream extends ConfiguredUpstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstream.class);
    /** While the upstream is down, a TCP connect this often tells when it is back (for /health/ready). */
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(5);

    private final Codecs codecs;
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

    /**
     * @param notificationBase the bridge's public inbound URL plus the notification path (no trailing slash), or
     *                         null when no inbound HTTP listener is configured
     */
    public HttpUpstream(UpstreamConfig config, Codecs codecs, BridgeMetrics metrics, ScheduledExecutorService timer,
                        Supplier<String> notificationBase, Clock clock) {
        super(config);
        this.codecs = codecs;
        this.codec = codecs.get(config.serializationFormat());
        this.metrics = metrics;
        this.notificationBase = notificationBase;
        this.clock = clock;
        HttpUpstreamSettings s = config.http();
        this.mediaTypes = s.mediaTypes().equals("vnd") ? HttpRequestMapping.MediaTypes.VND
                : HttpRequestMapping.MediaTypes.GENERIC;
        String url = config.url();
        this.sender = new HttpRequestSender(s, timer, codecs.limits().maxBytes());
        URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.host = HttpHost.create(base);
        this.basePath = base.getRawPath() == null ? "" : base.getRawPath();
        this.reachability = new ReachabilityProbe(config.name(), base, timer, PROBE_INTERVAL,
                s.connectTimeout());
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
            if (config.notifications()) {
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

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        long leftMs = Duration.between(clock.instant(), deadline).toMillis();
        if (leftMs <= 0) {
            return CompletableFuture.completedFuture(timeout(request));
        }
        HttpRequestMessage msg = HttpRequestMapping.toHttp(request, codec, mediaTypes);
        return sender.send(host, basePath + msg.target(), msg, leftMs).thenApply(outcome ->
                outcome instanceof HttpRequestSender.Outcome.Answered a ? answered(request, a.response())
                        : transportFailure(request, (HttpRequestSender.Outcome.Failed) outcome));
    }

    private ResponsePrimitive answered(RequestPrimitive request, HttpResponseMessage answer) {
        reachability.answered();
        ResponsePrimitive response;
        try {
            response = HttpResponseMapping.fromHttp(answer, request, codecs, codec.serialization());
        } catch (HttpResponseMapping.UndecodableBody e) {
            metrics.upstreamError(config.name(), TransportFailure.PROTOCOL.errorKind());
            LOG.debug("upstream {}: {}", config.name(), e.getMessage());
            response = TransportFailure.PROTOCOL.answer(request, peer(), e.getMessage());
        }
        return response;
    }

    /** The one outcome table ({@link TransportFailure}); the cause goes into the debug text. */
    private ResponsePrimitive transportFailure(RequestPrimitive request, HttpRequestSender.Outcome.Failed f) {
        TransportFailure failure = f.failure();
        if (failure == TransportFailure.TIMEOUT) {
            return timeout(request);
        }
        if (failure.unreachable()) {
            reachability.failed(failure.describe(host.toURI()) + (f.cause() == null ? "" : ": " + causeText(f.cause())));
        }
        metrics.upstreamError(config.name(), failure.errorKind());
        LOG.debug("upstream {}: {}", config.name(), failure, f.cause());
        return failure.answer(request, peer(), f.cause() == null ? null : f.cause().toString());
    }

    private ResponsePrimitive timeout(RequestPrimitive request) {
        metrics.upstreamError(config.name(), TransportFailure.TIMEOUT.errorKind());
        metrics.requestTimeouts.labelValues("http").inc();
        return TransportFailure.TIMEOUT.answer(request, peer(), null);
    }

    private String peer() {
        return "upstream " + config.name();
    }

    private static String op(RequestPrimitive r) {
        return r.op().name().toLowerCase(java.util.Locale.ROOT);
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
