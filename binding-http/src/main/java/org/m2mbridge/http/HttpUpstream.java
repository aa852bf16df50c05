package org.m2mbridge.http;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.nio.AsyncRequestProducer;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.m2mbridge.core.bus.ConfiguredUpstream;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.config.HttpUpstreamSettings;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream CSE reached over HTTP (TS-0009), with Apache HttpClient 5's asynchronous client: one pooled,
 * keep-alive connection set per upstream, nothing ever blocks a thread. Transport failures become oneM2M answers:
 * connect/DNS/TLS failure 5103, no answer before the request's deadline 4008, an undecodable answer 5000.
 */
public final class HttpUpstream extends ConfiguredUpstream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpUpstream.class);

    private final Codecs codecs;
    private final PrimitiveCodec codec;
    private final BridgeMetrics metrics;
    private final ScheduledExecutorService timer;
    private final Supplier<String> notificationBase;
    private final HttpRequestMapping.MediaTypes mediaTypes;
    private final String baseUrl;
    private final int maxBytes;
    private final Clock clock;
    private final CloseableHttpAsyncClient client;
    private final AtomicBoolean reachable = new AtomicBoolean(true);

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
        this.timer = timer;
        this.notificationBase = notificationBase;
        this.clock = clock;
        this.maxBytes = codecs.limits().maxBytes();
        HttpUpstreamSettings s = config.http();
        this.mediaTypes = s.mediaTypes().equals("vnd") ? HttpRequestMapping.MediaTypes.VND
                : HttpRequestMapping.MediaTypes.GENERIC;
        String url = config.url();
        this.baseUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.client = buildClient(s);
    }

    private static CloseableHttpAsyncClient buildClient(HttpUpstreamSettings s) {
        ConnectionConfig connection = ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(s.connectTimeout()))
                // Reuse a connection idle this long only after checking it is still open (stale keep-alive).
                .setValidateAfterInactivity(TimeValue.of(s.validateAfterInactivity()))
                .build();
        HttpVersionPolicy policy = switch (s.httpVersion()) {
            case "negotiate" -> HttpVersionPolicy.NEGOTIATE;
            case "2" -> HttpVersionPolicy.FORCE_HTTP_2;
            default -> HttpVersionPolicy.FORCE_HTTP_1;
        };
        // stack-notes 1.2: the pool defaults (25 total, 5 per route) are far too small; one route per upstream.
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(s.maxConnections())
                .setMaxConnPerRoute(s.maxConnections())
                .setDefaultConnectionConfig(connection)
                .setTlsStrategy(UpstreamTls.strategy(s))
                .setDefaultTlsConfig(org.apache.hc.client5.http.config.TlsConfig.custom()
                        .setVersionPolicy(policy).build())
                .build();
        return HttpAsyncClients.custom()
                .setConnectionManager(pool)
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(s.ioThreads())
                        .setSoKeepAlive(true).setTcpNoDelay(true).build())
                .setRetryStrategy(new StaleConnectionRetry())
                .setKeepAliveStrategy(new KeepAliveBeforeUpstream(TimeValue.of(s.idleEvict())))
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.of(s.idleEvict()))
                .disableCookieManagement()
                .disableRedirectHandling()
                .disableAuthCaching()
                .build();
    }

    public void start() {
        client.start();
    }


    @Override
    public String binding() {
        return "http";
    }




    /** {@code <inbound public URL><notificationPath>/<token>}, resolved by {@link InboundRequestHandler}. */
    @Override
    public List<String> pointOfAccess(String token, String entityId) {
        String base = notificationBase == null ? null : notificationBase.get();
        if (base == null) {
            LOG.warn("upstream {}: no inbound HTTP listener (listeners.http), so it cannot notify entity {}",
                    config.name(), entityId);
            return List.of();
        }
        return List.of(base + "/" + token);
    }

    @Override
    public boolean isReachable() {
        return reachable.get();
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        long leftMs = Duration.between(clock.instant(), deadline).toMillis();
        if (leftMs <= 0) {
            return CompletableFuture.completedFuture(timeout(request));
        }
        HttpRequestMessage msg = HttpRequestMapping.toHttp(request, codec, mediaTypes);
        AsyncRequestBuilder rb = AsyncRequestBuilder.create(msg.method()).setUri(URI.create(baseUrl + msg.target()));
        String contentType = null;
        for (Map.Entry<String, String> h : msg.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase(M2mHeaders.CONTENT_TYPE)) {
                contentType = h.getValue();
            }
            rb.addHeader(h.getKey(), h.getValue());
        }
        if (msg.body().length > 0) {
            // The Content-Type header is set verbatim above (ACME's ";ty=2" form); the entity carries none.
            rb.setEntity(AsyncEntityProducers.create(msg.body(), null));
        } else if (contentType != null) {
            rb.setEntity(AsyncEntityProducers.create(new byte[0], null));
        }
        AsyncRequestProducer producer = rb.build();
        HttpClientContext context = HttpClientContext.create();
        context.setRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(leftMs))
                .setResponseTimeout(Timeout.ofMilliseconds(leftMs))
                .build());
        metrics.primitives.labelValues("http", BridgeMetrics.OUT, "request", op(request), "").inc();
        CompletableFuture<ResponsePrimitive> result = new CompletableFuture<>();
        Future<HttpResponseMessage> exchange = client.execute(producer, new BoundedResponseConsumer(maxBytes), null,
                context, new FutureCallback<>() {
                    @Override
                    public void completed(HttpResponseMessage answer) {
                        result.complete(answered(request, answer));
                    }

                    @Override
                    public void failed(Exception e) {
                        result.complete(transportFailure(request, e));
                    }

                    @Override
                    public void cancelled() {
                        result.complete(timeout(request));
                    }
                });
        // The response timeout is per socket read; this cancels the whole exchange (lease, connect, transfer)
        // at the deadline, so the 4008 is ours and prompt and the connection goes back to the pool or is closed.
        var cancel = timer.schedule(() -> exchange.cancel(true), leftMs, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> cancel.cancel(false));
        return result;
    }

    private ResponsePrimitive answered(RequestPrimitive request, HttpResponseMessage answer) {
        reachable.set(true);
        ResponsePrimitive response;
        try {
            response = HttpResponseMapping.fromHttp(answer, request, codecs, codec.serialization());
        } catch (HttpResponseMapping.UndecodableBody e) {
            metrics.upstreamErrors.labelValues(config.name(), "protocol").inc();
            LOG.debug("upstream {}: {}", config.name(), e.getMessage());
            response = ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR, e.getMessage());
        }
        metrics.primitives.labelValues("http", BridgeMetrics.IN, "response", op(request),
                ResponseStatusCode.classOf(response.rsc())).inc();
        return response;
    }

    private ResponsePrimitive transportFailure(RequestPrimitive request, Exception e) {
        if (e instanceof ConnectTimeoutException || e instanceof ConnectException || e instanceof UnknownHostException
                || e instanceof NoRouteToHostException || e instanceof SSLException) {
            return unreachable(request, "connect", "cannot connect to upstream " + config.name() + ": " + e);
        }
        if (e instanceof SocketTimeoutException || e instanceof InterruptedIOException
                || e instanceof org.apache.hc.core5.util.TimeoutValueException) {
            return timeout(request);
        }
        if (e instanceof BoundedResponseConsumer.TooLarge) {
            metrics.upstreamErrors.labelValues(config.name(), "protocol").inc();
            return ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR, e.getMessage());
        }
        if (e instanceof IOException) {
            return unreachable(request, "closed", "connection to upstream " + config.name() + " failed: " + e);
        }
        metrics.upstreamErrors.labelValues(config.name(), "protocol").inc();
        LOG.debug("upstream {}: protocol failure", config.name(), e);
        return ResponsePrimitive.error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR,
                "protocol error talking to upstream " + config.name() + ": " + e);
    }

    private ResponsePrimitive unreachable(RequestPrimitive request, String kind, String text) {
        reachable.set(false);
        metrics.upstreamErrors.labelValues(config.name(), kind).inc();
        LOG.debug("upstream {}: {}", config.name(), text);
        return ResponsePrimitive.error(request, ResponseStatusCode.TARGET_NOT_REACHABLE, text);
    }

    private ResponsePrimitive timeout(RequestPrimitive request) {
        metrics.upstreamErrors.labelValues(config.name(), "timeout").inc();
        metrics.requestTimeouts.labelValues("http").inc();
        return ResponsePrimitive.error(request, ResponseStatusCode.REQUEST_TIMEOUT,
                "no answer from upstream " + config.name() + " before the request deadline");
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
        client.initiateShutdown();
        try {
            client.awaitShutdown(TimeValue.of(grace));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close(CloseMode.IMMEDIATE);
    }
}
