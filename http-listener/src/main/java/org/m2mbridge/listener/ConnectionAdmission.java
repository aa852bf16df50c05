package org.m2mbridge.listener;

import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpOpenListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.limits.ConnectionLimits;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.metrics.ListenerRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.channels.AcceptingChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * The accept side of one HTTP listener: every new connection takes a slot of the listener's
 * {@code maxConnections} and of its source address's {@code maxConnectionsPerAddress}, or is answered a fixed 503
 * and closed at once, before Undertow sees it and without waiting for its request (docs/security.md, "HTTP
 * listeners"). Refusing at accept keeps the descriptor for microseconds only, so a flood cannot hold more
 * descriptors than the caps (plus the few being refused, which {@link HttpListener} bounds with XNIO's high-water
 * mark), and a refusal costs no request parsing. An admitted connection is handed to Undertow
 * with a {@link ConnectionGuard}: slot back on close, cut if its first request head is late. Runs on the
 * connection's own I/O thread (XNIO hands each accepted connection to it before calling this listener).
 */
final class ConnectionAdmission implements ChannelListener<AcceptingChannel<StreamConnection>> {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);
    private static final int DISCARD_BYTES = 4096;
    private static final byte[] BUSY_LISTENER = busy("too many connections to this listener");
    private static final byte[] BUSY_ADDRESS = busy("too many connections from your address");

    private final String name;
    private final String settings;
    private final ListenerLimits limits;
    private final ConnectionLimits slots;
    private final HttpOpenListener open;
    private final UnaryOperator<StreamSourceConduit> input;
    private final BridgeMetrics metrics;
    private final GaugeDataPoint connections;
    private final RefusalLog log;
    /** Admitted connections whose first request head has not arrived yet (the root handler looks them up). */
    private final Map<StreamConnection, ConnectionGuard> awaitingRequest = new ConcurrentHashMap<>();

    /**
     * @param name     the listener's name: metrics label, and {@code listeners.<name>} in messages
     * @param settings the configuration section of its limits ({@code http} or {@code admin}), for messages
     * @param input    wraps each connection's input before Undertow reads it (identity: nothing to repair)
     */
    ConnectionAdmission(String name, String settings, ListenerLimits limits, HttpOpenListener open,
                        UnaryOperator<StreamSourceConduit> input, BridgeMetrics metrics) {
        this.name = name;
        this.settings = settings;
        this.limits = limits;
        this.slots = new ConnectionLimits(limits.maxConnections(), limits.maxConnectionsPerAddress());
        this.open = open;
        this.input = input;
        this.metrics = metrics;
        this.connections = metrics.listenerConnections.labelValues(name);
        this.log = new RefusalLog("listeners." + name);
        connections.set(0);
        for (ListenerRefusal reason : ListenerRefusal.values()) {
            metrics.listenerRefusals.labelValues(name, reason.label()); // zero series from the start, for alerts
        }
    }

    @Override
    public void handleEvent(AcceptingChannel<StreamConnection> server) {
        try {
            for (StreamConnection c = server.accept(); c != null; c = server.accept()) {
                admit(c);
            }
        } catch (IOException e) {
            LOG.debug("listeners.{}: accept failed: {}", name, e.toString());
        }
    }

    private void admit(StreamConnection c) {
        InetSocketAddress peer = c.getPeerAddress(InetSocketAddress.class);
        InetAddress address = peer == null ? null : peer.getAddress();
        Optional<ConnectionLimits.Refusal> refusal = slots.tryOpen(address);
        if (refusal.isPresent()) {
            refuse(c, address, refusal.get());
            return;
        }
        connections.inc();
        ConnectionGuard guard = new ConnectionGuard(c, () -> {
            awaitingRequest.remove(c);
            slots.closed(address);
            connections.dec();
        });
        awaitingRequest.put(c, guard);
        guard.expectRequestWithin(limits.headerTimeout(), () -> {
            awaitingRequest.remove(c);
            metrics.listenerRefusals.labelValues(name, ListenerRefusal.HEADER_TIMEOUT.label()).inc();
            log.note("closed", address, "no complete request head within " + settings + ".headerTimeout ("
                    + limits.headerTimeout().toMillis() + " ms)");
        });
        c.getSourceChannel().setConduit(input.apply(c.getSourceChannel().getConduit()));
        open.handleEvent(c);
        guard.releaseOnClose();
    }

    /** Called by the root handler for every request: the first one of a connection ends its header deadline. */
    void requestArrived(ServerConnection connection) {
        if (connection instanceof AbstractServerConnection c) {
            ConnectionGuard guard = awaitingRequest.remove(c.getChannel());
            if (guard != null) {
                guard.requestArrived();
            }
        }
    }

    private void refuse(StreamConnection c, InetAddress address, ConnectionLimits.Refusal refusal) {
        boolean total = refusal == ConnectionLimits.Refusal.CONNECTIONS;
        metrics.listenerRefusals.labelValues(name,
                (total ? ListenerRefusal.CONNECTIONS : ListenerRefusal.CONNECTIONS_PER_ADDRESS).label()).inc();
        log.note("refused", address, total
                ? "listeners." + name + " holds " + settings + ".maxConnections (" + limits.maxConnections()
                        + ") connections; answered 503"
                : "that address holds " + settings + ".maxConnectionsPerAddress (" + limits.maxConnectionsPerAddress()
                        + ") connections; answered 503");
        try {
            // What the client already sent is read and dropped first: closing a socket with unread input resets
            // it, and the reset could destroy the 503 before the client reads it.
            ByteBuffer discard = ByteBuffer.allocate(DISCARD_BYTES);
            c.getSourceChannel().read(discard);
            c.getSinkChannel().write(ByteBuffer.wrap(total ? BUSY_LISTENER : BUSY_ADDRESS));
        } catch (IOException e) {
            // the client is gone already; nothing to tell it
        }
        IoUtils.safeClose(c);
    }

    private static byte[] busy(String text) {
        String body = text + "\n";
        return ("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
