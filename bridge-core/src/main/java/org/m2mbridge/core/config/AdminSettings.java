package org.m2mbridge.core.config;

/**
 * The admin listener's access rules ({@code admin:} in bridge.yaml). The listener binds to loopback by default, so
 * with no token the status API is open to whoever can reach that address; set a token before binding it wider.
 *
 * @param token          when set, {@code /api/*} and {@code /status} need {@code Authorization: Bearer <token>}
 *                       (or {@code ?token=<token>} for the page in a browser); unset = open (default)
 * @param protectMetrics when true and a token is set, {@code /metrics} needs it too (Prometheus
 *                       {@code authorization.credentials}); {@code /health/*} always stays open for probes
 */
public record AdminSettings(String token, Boolean protectMetrics) {
    public static final AdminSettings DEFAULTS = new AdminSettings(null, null);

    public AdminSettings {
        token = token == null || token.isBlank() ? null : token.trim();
        protectMetrics = protectMetrics != null && protectMetrics;
    }

    void validate() {
        ConfigException.require(token == null || token.length() >= 16, "admin.token",
                "must be at least 16 characters (a guessable token protects nothing)");
        ConfigException.require(!protectMetrics || token != null, "admin.protectMetrics",
                "needs admin.token to be set");
    }
}
