package org.m2mbridge.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration keys one binding owns (Eclipse Hono's typed adapter properties idea), returned by
 * {@code Binding.configuration()}: its jar brings its keys, and {@link ConfigLoader} binds each declared subtree
 * with the same strict options and the same key-naming messages as every other key. Core knows only the generic
 * shape: named listeners, upstreams with {@code binding: <name>}, top-level sections.
 */
public interface BindingConfiguration {

    /** A binding without keys of its own. */
    BindingConfiguration NONE = new BindingConfiguration() {
    };

    /**
     * Top-level sections ({@code ws:}) by key, with the record each binds to; a section missing from the file is
     * bound from an empty mapping, so it holds its defaults.
     */
    default Map<String, Class<?>> sections() {
        return Map.of();
    }

    /**
     * Keys under {@code listeners:} by key, with the record each binds to ({@link ListenerConfig} for a socket); a
     * listener missing from the file is not configured.
     */
    default Map<String, Class<?>> listeners() {
        return Map.of();
    }

    /**
     * The keys among {@link #listeners()} devices register on (their records implement {@link DeviceListener}): one
     * device listener of any installed binding is required, and their dialects are checked together.
     */
    default Set<String> deviceListeners() {
        return Set.of();
    }

    /**
     * The keys among {@link #listeners()} that are TLS listeners ({@link ListenerConfig} with {@code tls} required);
     * any other {@link ListenerConfig} listener refuses {@code tls}.
     */
    default Set<String> tlsListeners() {
        return Set.of();
    }

    /**
     * Keys of an upstream besides the generic ones ({@code name}, {@code binding}, {@code cseId}, ...), with the type
     * each binds to: this binding's subtree and any key of its own. Two bindings may declare one key with one type.
     * A record-typed key missing from the file is bound from an empty mapping (its defaults); another is null.
     */
    default Map<String, Class<?>> upstreamKeys() {
        return Map.of();
    }

    /**
     * Checks this binding's keys and what spans them ({@code upstreams[0].notifications} needs
     * {@code listeners.http}), the {@code url} of its upstreams included ({@link ConfigUrls#requireUrls}); core has
     * already checked every {@link ListenerConfig} listener by what it is declared. Throws {@link ConfigException}
     * naming the key. Runs after core's own checks.
     */
    default void validate(BridgeConfig config) {
    }

    /**
     * What this binding's keys need from the machine, checked by {@link Preflight} before the start (and by
     * {@code --check-config}) without binding or connecting anything.
     */
    default void preflight(BridgeConfig config, Preflight.Checks checks) {
    }

    /**
     * Descriptors this binding's outbound connections may hold at most (pools, broker sessions): the listeners'
     * file-descriptor budget leaves them alone ({@code limits.FileDescriptorBudget}).
     */
    default int outboundConnections(BridgeConfig config) {
        return 0;
    }

    /**
     * The shares of the file-descriptor budget this binding's listeners take ({@link ListenerShare}): a bounded one
     * for listeners of peers that must not starve the devices, the rest for the device listeners.
     */
    default List<ListenerShare> listenerShares(BridgeConfig config) {
        return List.of();
    }

    /**
     * The keys a reload applies to this binding through {@code Binding.reconfigure}, named as in the file
     * ({@code ws.identities}); a key below one of them is reloadable as that one. Any other changed key of the
     * binding needs a restart (docs/operations.md "Reload").
     */
    default Set<String> reloadableKeys() {
        return Set.of();
    }

    /**
     * The key and trust material this binding reads again on every reload of {@code config}, whether or not its keys
     * changed (the files may have), by the key that names it ({@code listeners.wss.tls}).
     */
    default List<String> materialReadOnReload(BridgeConfig config) {
        return List.of();
    }
}
