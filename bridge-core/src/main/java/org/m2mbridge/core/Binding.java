package org.m2mbridge.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.status.ReadinessCheck;

/**
 * A protocol binding (ActiveMQ Artemis' ProtocolManager idea): translates one transport to and from the
 * primitive bus. It opens its listeners, creates the {@link org.m2mbridge.core.bus.Upstream}s of its kind
 * from the configuration and adds them to the bus. {@code bridge-core} never imports a transport library;
 * the distribution wires the bindings together.
 */
public interface Binding {

    /** {@code ws}, {@code http}, {@code mqtt}. */
    String name();

    /** Binds listeners and creates upstreams; returns once they are bound (or throws). */
    void start(BridgeContext context) throws Exception;

    /** Bound listeners by name, e.g. {@code ws -> ws://127.0.0.1:40123/}; empty before start. */
    Map<String, URI> boundListeners();

    /** True when the binding's listeners are bound and its upstreams reachable: for {@code /health/ready}. */
    default boolean isReady() {
        return true;
    }

    /**
     * The checks behind {@code /health/ready} this binding reports: by default one, {@link #isReady()}. A binding
     * may add its own (a limit that sheds load names itself and why).
     */
    default List<ReadinessCheck> readiness() {
        return List.of(isReady() ? ReadinessCheck.ready("binding", name())
                : ReadinessCheck.notReady("binding", name(), "listeners not bound, or stopping", null));
    }

    /** Snapshot of the device connections this binding holds, for the status API; none for client-only bindings. */
    default List<ConnectionView> connections() {
        return List.of();
    }

    /**
     * Stops accepting new work, lets in-flight exchanges finish for up to {@code grace}, then closes every
     * connection (WebSocket close 1001) and releases every thread and socket. Idempotent.
     */
    void stop(Duration grace);
}
