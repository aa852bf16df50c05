package org.m2mbridge.core.config;

/**
 * HTTP binding, inbound side (TS-0009): the server upstream CSEs send notifications to. Owned by the HTTP binding.
 *
 * @param notificationPath path prefix of the per-entity notification URL put into a rewritten {@code poa}
 *                         (default {@code /notify}; the poa is {@code <publicUrl><notificationPath>/<token>})
 * @param ioThreads        Undertow I/O threads of the inbound server (default 2; requests are never processed on
 *                         them for long, the bus is asynchronous)
 */
public record HttpSettings(String notificationPath, Integer ioThreads) {
    public static final HttpSettings DEFAULTS = new HttpSettings(null, null);

    public HttpSettings {
        notificationPath = notificationPath == null ? "/notify" : notificationPath;
        ioThreads = ioThreads == null ? 2 : ioThreads;
        ConfigException.require(notificationPath.startsWith("/") && !notificationPath.endsWith("/")
                && !notificationPath.startsWith("/~") && !notificationPath.startsWith("/_"), "http.notificationPath",
                "must start with / and not end with /, and must not be /~ or /_ (oneM2M path prefixes); got '"
                        + notificationPath + "'");
        ConfigException.require(ioThreads > 0, "http.ioThreads", "must be positive");
    }
}
