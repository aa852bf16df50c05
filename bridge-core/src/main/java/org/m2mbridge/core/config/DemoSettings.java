package org.m2mbridge.core.config;

/**
 * Demo mode: starts, inside the bridge process, a small upstream CSE stand-in (a TEST/DEMO peer, not a product
 * feature) and a scripted WebSocket AE that shows a full exchange. Never enable it in production.
 *
 * @param enabled start the demo peers
 */
public record DemoSettings(Boolean enabled) {
    public static final DemoSettings DEFAULTS = new DemoSettings(null);

    public DemoSettings {
        enabled = enabled != null && enabled;
    }
}
