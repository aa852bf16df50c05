package org.m2mbridge.core;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.config.BindingConfiguration;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.status.ConnectionView;
import org.m2mbridge.core.status.ReadinessCheck;

/**
 * A protocol binding (ActiveMQ Artemis' ProtocolManager idea): translates one transport to and from the
 * primitive bus. It opens its listeners, creates the {@link org.m2mbridge.core.bus.Upstream}s of its kind
 * from the configuration and adds them to the bus. {@code bridge-core} never imports a transport library;
 * the distribution wires the bindings together.
 */
public interface Binding {

    /** {@code ws}, {@code http}, {@code mqtt}: also the {@code binding:} value of the upstreams it creates. */
    String name();

    /**
     * The configuration keys this binding owns (its sections, listeners and upstream keys) and its checks of them;
     * read before any binding starts, so it must not depend on {@link #start}. None by default.
     */
    default BindingConfiguration configuration() {
        return BindingConfiguration.NONE;
    }

    /**
     * Where this binding starts among the installed ones (lower first; ties by name): device-facing bindings first,
     * so that the devices' listener is the first {@code listening} line. Default 100.
     */
    default int order() {
        return 100;
    }

    /**
     * The keys under {@code listeners:} whose sockets this binding opens ({@code ws}, {@code wss}), so that a
     * failed start names them and a configured listener no installed binding serves is reported.
     */
    default List<String> listenerKeys() {
        return List.of();
    }

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
     * Reload (docs/operations.md "Reload"): builds and starts an upstream of this binding's kind for {@code config},
     * not yet on the bus (the caller puts it there, replacing one of the same name). Only after {@link #start}.
     *
     * @throws UnsupportedOperationException when this binding creates no upstreams
     */
    default Upstream startUpstream(UpstreamConfig config) {
        throw new UnsupportedOperationException("binding " + name() + " creates no upstreams");
    }

    /**
     * Reload: the key and trust files an upstream of this binding reads when it connects; a reload that finds their
     * contents changed replaces the upstream (docs/operations.md "Reload"). None by default.
     */
    default List<String> upstreamFiles(UpstreamConfig config) {
        return List.of();
    }

    /**
     * Reload: {@code upstream}, taken off the bus (removed or replaced), closes: an HTTP upstream after its
     * in-flight requests finished (up to {@code grace}); a session-based one (MQTT, WebSocket client) answers them
     * 5103. May block for the grace; the caller runs it off the request path.
     */
    default void retireUpstream(Upstream upstream, Duration grace) {
    }

    /**
     * Reload: applies what this binding can change without dropping a connection (the WebSocket binding: the
     * {@code wss} key and trust material for the next handshakes, {@code ws.identities} and the per-connection limits
     * for connections opened from now on). Builds everything first and throws (leaving the old in place) when it
     * cannot. Device connections are never touched.
     */
    default void reconfigure(BridgeConfig next) {
    }

    /**
     * Stops accepting new work, lets in-flight exchanges finish for up to {@code grace}, then closes every
     * connection (WebSocket close 1001) and releases every thread and socket. Idempotent.
     */
    void stop(Duration grace);
}
