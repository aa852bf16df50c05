package org.m2mbridge.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.ByteArrayOutputStream;
import java.util.function.BiConsumer;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.budget.ShedReason;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;

/**
 * Reads one request body as it arrives, paying for every chunk from the process-wide inbound memory budget
 * ({@code core.budget}, docs/security.md "Memory budget") and within {@code limits.messageAssemblyTimeout}, as the
 * WebSocket binding does for a message: a body that is not whole in time is answered 408, a body whose reader the
 * budget sheds 503, and both close the connection. Without this, thousands of connections trickling bodies just
 * under {@code limits.maxMessageBytes} would hold gigabytes that nothing bounds but the connection caps. The bytes
 * stay paid for until the caller has decoded them ({@link Body#release()}). Never blocks: chunks come on the
 * connection's I/O thread.
 */
final class RequestBodyReader {
    private static final Logger LOG = LoggerFactory.getLogger(RequestBodyReader.class);
    private static final HttpString RETRY_AFTER = HttpString.tryFromString("Retry-After");

    /** A whole body, still paid for from the budget until {@link #release()}. */
    static final class Body {
        private final byte[] bytes;
        private final InboundBudget.Account account;

        private Body(byte[] bytes, InboundBudget.Account account) {
            this.bytes = bytes;
            this.account = account;
        }

        byte[] bytes() {
            return bytes;
        }

        /** The body is decoded (or dropped): its bytes go back to the budget. Idempotent. */
        void release() {
            account.close();
        }
    }

    private final InboundBudget budget;
    private final int maxBytes;

    RequestBodyReader(InboundBudget budget, int maxBytes) {
        this.budget = budget;
        this.maxBytes = maxBytes;
    }

    /**
     * Reads the body of {@code exchange} and hands it to {@code whole} (on the I/O thread, the exchange dispatched
     * so that it stays open), or answers the exchange itself: 413 over {@code maxBytes}, 408 or 503 when shed.
     */
    void read(HttpServerExchange exchange, BiConsumer<HttpServerExchange, Body> whole) {
        if (exchange.getRequestContentLength() > maxBytes) {
            tooLarge(exchange);
            return;
        }
        exchange.setMaxEntitySize(maxBytes);
        InboundBudget.Account account = budget.open(reason -> shed(exchange, reason));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        account.messageStarted();
        exchange.addExchangeCompleteListener((ex, next) -> {
            account.close(); // whatever happened, nothing stays paid for after the exchange
            next.proceed();
        });
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> exchange.getRequestReceiver().receivePartialBytes(
                (ex, chunk, last) -> {
                    if (chunk.length > 0 && !account.reserve(chunk.length)) {
                        return; // shed: the holder has answered (or closed) the exchange
                    }
                    received.write(chunk, 0, chunk.length);
                    if (last) {
                        account.messageEnded();
                        Body body = new Body(received.toByteArray(), account);
                        // Dispatched again so the exchange stays open after this callback; it ends with the answer.
                        ex.dispatch(SameThreadExecutor.INSTANCE, () -> whole.accept(ex, body));
                    }
                },
                (ex, error) -> {
                    account.close();
                    if (error instanceof RequestTooBigException) {
                        tooLarge(ex);
                    } else {
                        LOG.debug("reading request body from {} failed", ex.getSourceAddress(), error);
                        ex.endExchange();
                    }
                }));
    }

    /** Called by the budget, from any thread: answer on the connection's own I/O thread, then close it. */
    private static void shed(HttpServerExchange exchange, ShedReason reason) {
        exchange.getIoThread().execute(() -> {
            if (exchange.isResponseStarted()) {
                IoUtils.safeClose(exchange.getConnection());
                return;
            }
            exchange.setPersistent(false); // the unread rest of the body makes the connection unusable
            if (reason == ShedReason.MEMORY_BUDGET) {
                exchange.setStatusCode(503); // the bridge is short of memory now: try again later
                exchange.getResponseHeaders().put(RETRY_AFTER, "1");
                answerStatus(exchange, ResponseStatusCode.INTERNAL_SERVER_ERROR);
            } else {
                exchange.setStatusCode(408); // RFC 9110 15.5.9: the body did not arrive in time
                answerStatus(exchange, ResponseStatusCode.REQUEST_TIMEOUT);
            }
            exchange.endExchange();
        });
    }

    static void tooLarge(HttpServerExchange exchange) {
        if (exchange.isResponseStarted()) {
            exchange.endExchange();
            return;
        }
        exchange.setPersistent(false); // the unread rest of the body makes the connection unusable
        exchange.setStatusCode(413);
        answerStatus(exchange, ResponseStatusCode.BAD_REQUEST);
        exchange.endExchange();
    }

    /** {@code X-M2M-RSC} and, when the request named one, its {@code X-M2M-RI} (TS-0009 6.4). */
    private static void answerStatus(HttpServerExchange exchange, ResponseStatusCode rsc) {
        exchange.getResponseHeaders().put(HttpString.tryFromString(M2mHeaders.RSC), String.valueOf(rsc.code()));
        String rqi = exchange.getRequestHeaders().getFirst(M2mHeaders.RI);
        if (rqi != null) {
            exchange.getResponseHeaders().put(HttpString.tryFromString(M2mHeaders.RI), rqi);
        }
    }
}
