package org.m2mbridge.ws;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.m2mbridge.core.bus.UpstreamState;
import org.m2mbridge.core.log.LogBudget;
import org.m2mbridge.core.metrics.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The INFO lines for device connections opening and closing, with the close code and reason, so an operator can
 * tell a pong timeout from a device that hung up. Thousands of devices reconnecting at once must not flood the
 * log: the lines share one {@link LogBudget} (a burst, then a few a second), and the next line written says how
 * many were left out; {@code m2mbridge_connections_*_total} counts every one.
 */
final class ConnectionLog {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLog.class);
    private static final LogBudget LINES = new LogBudget(100, Duration.ofMillis(100));

    /**
     * How a connection ended.
     *
     * @param code   the close code sent or received, -1 when there was no close frame
     * @param byBridge true when the bridge started the closing handshake
     */
    record Close(CloseReason reason, int code, String text, boolean byBridge) {
    }

    private ConnectionLog() {
    }

    static void opened(String id, String remote, String subprotocol, String holder, String originHint) {
        long more = LINES.admit();
        if (more >= 0) {
            LOG.info("{} connected from {}: subprotocol {}{}{}{}", id, remote, subprotocol,
                    holder == null || holder.isEmpty() ? "" : ", certificate " + holder,
                    originHint == null || originHint.isEmpty() ? "" : ", X-M2M-Origin " + originHint,
                    LogBudget.more(more));
        }
    }

    static void closed(String id, String remote, Close close, Instant since, List<String> entities) {
        long more = LINES.admit();
        if (more >= 0) {
            LOG.info("{} closed: {} ({}{}) after {}; from {}, entities {}{}", id, close.reason().label(),
                    close.code() < 0 ? "" : close.code() + " ",
                    (close.text() == null || close.text().isEmpty() ? "no reason given" : close.text())
                            + (close.code() < 0 ? "" : close.byBridge() ? ", closed by the bridge" : ", closed by the device"),
                    UpstreamState.formatDuration(Duration.between(since, Instant.now())), remote, entities,
                    LogBudget.more(more));
        }
    }
}
