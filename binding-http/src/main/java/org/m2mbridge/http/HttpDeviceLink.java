package org.m2mbridge.http;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.m2mbridge.core.bus.Link;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.TransportFailure;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponseFlag;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The link every entity registered by an HTTP device is bound to: a request from upstream for it (a NOTIFY, or any
 * request to a request-reachable AE) is sent as an HTTP request to the entity's own point of access, the first
 * {@code http://} or {@code https://} URL of the poa it registered with ({@link Registration#originalPoa()}, kept
 * current by poa updates), as TS-0009 6.2.2.1 sends a request to a poa: the URL is the request-target, the
 * operation's query parameters are appended, JSON content. One link for all devices: it holds no state per
 * entity, so a bridge restart only needs a re-bind. Outcomes are answered as the upstream's are
 * ({@link HttpExchange}, {@link HttpFailures}, {@link TransportFailure}): unreachable or closed 5103, no answer
 * before the deadline 4008, an answer that cannot be decoded 5000.
 */
final class HttpDeviceLink implements Link {
    private static final Logger LOG = LoggerFactory.getLogger(HttpDeviceLink.class);
    static final String ID = "http-devices";

    private final PrimitiveBus bus;
    private final HttpRequestSender sender;
    private final PrimitiveCodec codec;
    private final Clock clock;
    private final HttpExchange exchange;

    HttpDeviceLink(PrimitiveBus bus, HttpRequestSender sender, Codecs codecs, BridgeMetrics metrics, Clock clock) {
        this.bus = bus;
        this.sender = sender;
        this.codec = codecs.get(Serialization.JSON);
        this.clock = clock;
        // no cause in the debug text: it may name the device's private URL
        this.exchange = new HttpExchange(codecs, codec.serialization(), metrics, false, new HttpExchange.Observer() { });
    }

    /** The first http(s) URL with a host among {@code poa}: where an HTTP device takes requests. */
    static Optional<URI> httpPoa(List<String> poa) {
        for (String p : poa) {
            String lower = p.trim().toLowerCase(Locale.ROOT);
            if (lower.startsWith("http://") || lower.startsWith("https://")) {
                try {
                    URI uri = URI.create(p.trim());
                    if (uri.getHost() != null) {
                        return Optional.of(uri);
                    }
                } catch (IllegalArgumentException e) {
                    LOG.debug("poa '{}' is not a URL", p);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String binding() {
        return "http";
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
        Optional<URI> poa = bus.findEntity(request.to()).map(Registration::originalPoa).flatMap(HttpDeviceLink::httpPoa);
        if (poa.isEmpty()) {
            return CompletableFuture.completedFuture(ResponsePrimitive.error(request,
                    ResponseStatusCode.TARGET_NOT_REACHABLE, "'" + request.to() + "' has no http point of access",
                    ResponseFlag.UF));
        }
        long leftMs = Duration.between(clock.instant(), deadline).toMillis();
        return exchange.send(request, "'" + request.to() + "'", leftMs, left -> {
            HttpRequestMessage msg = HttpRequestMapping.toHttp(request, codec, HttpRequestMapping.MediaTypes.GENERIC);
            URI uri = withQuery(poa.get(), msg.rawQuery());
            return sender.send(uri, msg, left);
        });
    }

    private static URI withQuery(URI poa, String query) {
        if (query.isEmpty()) {
            return poa;
        }
        String s = poa.toString();
        int hash = s.indexOf('#');
        String base = hash < 0 ? s : s.substring(0, hash);
        return URI.create(base + (poa.getRawQuery() == null ? "?" : "&") + query);
    }
}
