package org.m2mbridge.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.Locale;
import java.util.Set;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.RequestNotExecutedException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * Retries a request when it provably never reached the upstream, so that a pooled keep-alive connection the
 * upstream closed while idle never turns into a failed request:
 * <ul>
 *   <li>{@link RequestNotExecutedException}: the connection was gone before the request was written; safe for
 *       every method, including POST (CREATE, NOTIFY), up to {@link #MAX_NOT_EXECUTED_ATTEMPTS} attempts;</li>
 *   <li>the connection closed or was reset without any answer, for idempotent methods only (GET, PUT, DELETE;
 *       RFC 9110 9.2.2): repeating them cannot create anything twice.</li>
 * </ul>
 * A POST whose connection died after it may have been written is not repeated: the upstream may have created the
 * resource, and the originator gets 5103 and decides. Error statuses are never retried: the upstream answered.
 */
final class StaleConnectionRetry implements HttpRequestRetryStrategy {
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");
    /**
     * A retry leases the next pooled connection, which after a mass close by the upstream may be stale too; a
     * never-executed request costs the upstream nothing, so it may try a few. Bounded so a dead upstream still
     * fails promptly (each attempt then fails to connect at once).
     */
    static final int MAX_NOT_EXECUTED_ATTEMPTS = 8;

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
        if (exception instanceof RequestNotExecutedException) {
            return execCount < MAX_NOT_EXECUTED_ATTEMPTS;
        }
        if (execCount > 1) {
            return false;
        }
        boolean idempotent = IDEMPOTENT.contains(request.getMethod().toUpperCase(Locale.ROOT));
        boolean closedWithoutAnswer = exception instanceof ConnectionClosedException
                || exception instanceof NoHttpResponseException
                || exception instanceof SocketException && !(exception instanceof ConnectException);
        return idempotent && closedWithoutAnswer;
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
