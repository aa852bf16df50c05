package org.m2mbridge.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.nio.entity.AsyncEntityProducers;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.BasicRequestProducer;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.http.config.HttpUpstreamSettings;

/**
 * Sends mapped HTTP requests with Apache HttpClient 5's asynchronous client (pooled, keep-alive, nothing ever
 * blocks a thread) and completes with the answer or the kind of transport failure ({@link HttpFailures}), never
 * later than the time given. The transport shared by {@link HttpUpstream} (one per upstream CSE) and
 * {@link HttpDeviceLink} (one for all HTTP devices).
 */
final class HttpRequestSender implements AutoCloseable {

    /** What became of one exchange. */
    sealed interface Outcome {
        record Answered(HttpResponseMessage response) implements Outcome {
        }

        /** {@code cause}: what the client library reported (null when the exchange was cut at the deadline). */
        record Failed(TransportFailure failure, Exception cause) implements Outcome {
        }
    }

    /** Size of each of a connection's input, output and content buffers. */
    static final int CONNECTION_BUFFER_BYTES = 8 * 1024;

    private final CloseableHttpAsyncClient client;
    /** How often exchanges past their deadline are looked for; a 4008 may come this much after the deadline. */
    static final Duration DEADLINE_SWEEP = Duration.ofMillis(100);

    /** Exchanges in flight and the System.nanoTime() at which each is cancelled. */
    private final Map<Future<?>, Long> deadlines = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweeper;
    private final int maxBytes;

    /**
     * @param maxBytes the largest answer body buffered ({@code limits.maxMessageBytes}); a bigger one fails
     *                 with {@link TransportFailure#TOO_LARGE}
     */
    HttpRequestSender(HttpUpstreamSettings settings, ScheduledExecutorService timer, int maxBytes) {
        this.client = buildClient(settings);
        // One periodic sweep instead of a timer task per request: a new earliest task wakes the timer thread, and
        // at one request in flight that was every request (7.6 % of the bridge's CPU at C=1, W=1; benchmarks.md).
        this.sweeper = timer.scheduleWithFixedDelay(this::cancelExpired, DEADLINE_SWEEP.toMillis(),
                DEADLINE_SWEEP.toMillis(), TimeUnit.MILLISECONDS);
        this.maxBytes = maxBytes;
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
        // docs/libraries.md HC-1: the pool defaults (25 total, 5 per route) are far too small.
        PoolingAsyncClientConnectionManager pool = PoolingAsyncClientConnectionManagerBuilder.create()
                .setMaxConnTotal(s.maxConnections())
                .setMaxConnPerRoute(s.maxConnections())
                .setDefaultConnectionConfig(connection)
                .setTlsStrategy(UpstreamTls.strategy(s))
                .setDefaultTlsConfig(TlsConfig.custom().setVersionPolicy(policy).build())
                .build();
        return HttpAsyncClients.custom()
                .setConnectionManager(pool)
                // Three buffers of this size are allocated (and zeroed) for every new connection: HttpCore's 32 KiB
                // default cost 96 KiB per request against a CSE that closes every connection (ACME), for answers
                // of a few hundred bytes (docs/benchmarks.md, "The real-CSE path"); larger bodies are read in turns.
                .setHttp1Config(Http1Config.custom().setBufferSize(CONNECTION_BUFFER_BYTES).build())
                // No SO_KEEPALIVE: the kernel probes only after 2 h idle, while idle pooled connections are closed
                // after idleEvict and every exchange ends at its deadline; it was one more system call per new
                // connection (one per request against a CSE that closes each connection).
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(s.ioThreads())
                        .setTcpNoDelay(true).build())
                .setRetryStrategy(new StaleConnectionRetry())
                .setKeepAliveStrategy(new KeepAliveBeforeUpstream(TimeValue.of(s.idleEvict())))
                .evictExpiredConnections()
                .evictIdleConnections(TimeValue.of(s.idleEvict()))
                .disableCookieManagement()
                .disableRedirectHandling()
                .disableAuthCaching()
                // oneM2M bodies are small and CSEs do not compress them: no Accept-Encoding on every request, and
                // one exec stage less per exchange (docs/benchmarks.md, profile of the HTTP leg)
                .disableContentCompression()
                // one client identity per upstream: no per-user connection state to track in the pool
                .disableConnectionState()
                .build();
    }

    void start() {
        client.start();
    }

    /**
     * Sends {@code message} (its headers and body; the request-target is {@code uri}) and completes within
     * {@code leftMs} (positive) with the answer or the failure; never exceptionally.
     */
    CompletableFuture<Outcome> send(URI uri, HttpRequestMessage message, long leftMs) {
        String query = uri.getRawQuery();
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return send(HttpHost.create(uri), query == null ? path : path + "?" + query, message, leftMs);
    }

    /**
     * As {@link #send(URI, HttpRequestMessage, long)}, to {@code host} with the request-target {@code target}
     * (path and query, already percent-encoded): an upstream's fixed host is parsed once, not a URI per request.
     */
    CompletableFuture<Outcome> send(HttpHost host, String target, HttpRequestMessage message, long leftMs) {
        BasicHttpRequest request = new BasicHttpRequest(message.method(), host, target);
        String contentType = null;
        for (Map.Entry<String, String> h : message.headers().entrySet()) {
            if (h.getKey().equalsIgnoreCase(M2mHeaders.CONTENT_TYPE)) {
                contentType = h.getValue();
            }
            request.addHeader(h.getKey(), h.getValue());
        }
        AsyncEntityProducer entity = null;
        if (message.body().length > 0) {
            // The Content-Type header is set verbatim above (ACME's ";ty=2" form); the entity carries none.
            entity = AsyncEntityProducers.create(message.body(), null);
        } else if (contentType != null) {
            entity = AsyncEntityProducers.create(new byte[0], null);
        }
        HttpClientContext context = HttpClientContext.create();
        // Every wait of the exchange ends by the deadline: the pool lease (else HttpClient's default is 3 minutes,
        // and a frozen upstream holding every pooled connection keeps the rest waiting), and each socket read.
        context.setRequestConfig(RequestConfig.custom()
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(leftMs))
                .setResponseTimeout(Timeout.ofMilliseconds(leftMs))
                .build());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(leftMs);
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Future<HttpResponseMessage> exchange = client.execute(new BasicRequestProducer(request, entity),
                new BoundedResponseConsumer(maxBytes), null,
                context, new FutureCallback<>() {
                    @Override
                    public void completed(HttpResponseMessage answer) {
                        result.complete(new Outcome.Answered(answer));
                    }

                    @Override
                    public void failed(Exception e) {
                        result.complete(failure(e, deadline));
                    }

                    @Override
                    public void cancelled() {
                        result.complete(failure(null, deadline));
                    }
                });
        // The response timeout is per socket read; the sweep cancels the whole exchange (lease, connect, transfer)
        // at the deadline, so the 4008 is ours and prompt and the connection goes back to the pool or is closed.
        deadlines.put(exchange, deadline);
        result.whenComplete((r, e) -> deadlines.remove(exchange)); // at once if it already completed
        return result;
    }

    /** {@code e} null: the exchange was cancelled (by the sweep at the deadline, or by a shutdown before it). */
    private static Outcome failure(Exception e, long deadline) {
        boolean late = System.nanoTime() - deadline >= 0;
        return new Outcome.Failed(HttpFailures.of(e == null ? new CancellationException() : e, late), e);
    }

    private void cancelExpired() {
        long now = System.nanoTime();
        deadlines.forEach((exchange, deadline) -> {
            if (now - deadline >= 0) {
                exchange.cancel(true); // completes the result with Failure.TIMEOUT (cancelled())
            }
        });
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }

    /** Lets exchanges in flight finish for up to {@code grace}, then closes every connection. */
    void close(Duration grace) {
        client.initiateShutdown();
        try {
            client.awaitShutdown(TimeValue.of(grace));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close(CloseMode.IMMEDIATE);
        sweeper.cancel(false); // after the grace: exchanges still draining keep their deadlines
    }
}
