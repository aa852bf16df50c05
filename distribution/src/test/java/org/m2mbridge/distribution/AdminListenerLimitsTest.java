package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.testing.RawHttpConnection;
import org.m2mbridge.core.testing.SlowClients;

/**
 * The admin listener's own limits ({@code admin.*}, docs/security.md "HTTP listeners"): slowloris against it is cut
 * within {@code admin.headerTimeout} while health probes keep being answered, and its per-address cap refuses the
 * next connection while the admitted ones keep working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminListenerLimitsTest {
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
    /** Scheduling slack on a busy 2-core machine; still far below the idle timeout a trickler would otherwise meet. */
    private static final Duration MARGIN = Duration.ofSeconds(5);
    private static final String SLOW_SERIES = "m2mbridge_listener_refusals_total{listener=\"admin\",reason=\"header_timeout\"}";

    private Bridge bridge;
    private URI admin;

    @BeforeEach
    void start() {
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                store: { durable: false }
                admin: { headerTimeout: 1s, idleTimeout: 30s, maxConnections: 40, maxConnectionsPerAddress: 30 }
                """;
        bridge = Bridge.start(ConfigLoader.parse(yaml).validate(), BridgeTest.announce(new ByteArrayOutputStream()));
        admin = bridge.listeners().get("admin");
    }

    @AfterEach
    void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    private InetSocketAddress adminAddress() {
        return new InetSocketAddress(admin.getHost(), admin.getPort());
    }

    @Test
    void slowlorisIsCutWithinTheHeaderTimeoutWhileHealthProbesAreAnswered() throws Exception {
        int probes = 0;
        try (SlowClients slow = SlowClients.open(InetAddress.getByName("127.0.0.2"), adminAddress(), 30,
                SlowClients.Mode.TRICKLE, Duration.ofMillis(100))) {
            long deadline = System.nanoTime() + HEADER_TIMEOUT.plus(MARGIN).toNanos();
            while (slow.stillOpen() > 0 && System.nanoTime() < deadline) {
                assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());
                probes++;
            }
            assertEquals(0, slow.stillOpen(), "slow connections still open after admin.headerTimeout + margin");
            assertTrue(slow.longestLife().compareTo(HEADER_TIMEOUT.plus(MARGIN)) <= 0, slow.longestLife().toString());
        }
        assertTrue(probes > 0, "probes answered while the slow connections were open");
        assertEquals(30, PrometheusScrape.of(admin).value(SLOW_SERIES));
    }

    @Test
    void perAddressCapRefusesTheNextConnectionWhileTheOthersWork() throws Exception {
        InetAddress from = InetAddress.getByName("127.0.0.3");
        RawHttpConnection[] admitted = new RawHttpConnection[30];
        try {
            for (int i = 0; i < admitted.length; i++) {
                admitted[i] = RawHttpConnection.open(from, adminAddress());
                assertEquals(200, admitted[i].get("/health/live"));
            }
            try (RawHttpConnection refused = RawHttpConnection.open(from, adminAddress())) {
                assertEquals(503, refused.awaitResponse());
            }
            assertEquals(200, admitted[0].get("/health/ready"), "admitted connections keep working");
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode(), "other addresses too");
        } finally {
            for (RawHttpConnection c : admitted) {
                if (c != null) {
                    c.close();
                }
            }
        }
        assertEquals(1, PrometheusScrape.of(admin).value(
                "m2mbridge_listener_refusals_total{listener=\"admin\",reason=\"connections_per_address\"}"));
    }
}
