package org.m2mbridge.core.config;

import java.time.Duration;

/**
 * @param request    deadline of a request that carries no {@code rqet} (answered 4008 after it)
 * @param maxRequest no request is held longer than this, whatever its {@code rqet}
 * @param shutdownGrace how long shutdown waits for in-flight exchanges before closing sockets
 */
public record TimeoutsConfig(Duration request, Duration maxRequest, Duration shutdownGrace) {
    public static final TimeoutsConfig DEFAULTS = new TimeoutsConfig(null, null, null);

    public TimeoutsConfig {
        request = request == null ? Duration.ofSeconds(30) : request;
        maxRequest = maxRequest == null ? Duration.ofMinutes(2) : maxRequest;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(3) : shutdownGrace;
    }

    void validate() {
        ConfigException.require(!request.isNegative() && !request.isZero(), "timeouts.request", "must be positive");
        ConfigException.require(maxRequest.compareTo(request) >= 0, "timeouts.maxRequest",
                "must not be shorter than timeouts.request");
    }
}
