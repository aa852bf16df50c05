package org.m2mbridge.core.bus;

import java.time.Instant;

/**
 * Whether an upstream can be reached now, why the bridge thinks so, and since when: what {@code /health/ready},
 * {@code /api/status}, {@code m2mbridge_upstream_up} and the UP/DOWN log lines report.
 *
 * @param up     reachable: the last exchange or probe got through
 * @param reason the last cause, in words ({@code cannot connect to 127.0.0.1:8080: Connection refused})
 * @param since  when it last changed between up and down (or when the bridge started watching it)
 */
public record UpstreamHealth(boolean up, String reason, Instant since) {
}
