package org.m2mbridge.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.StoreSettings;

/** The {@code store:} section of bridge.yaml: defaults, overrides, and errors naming the key. */
class StoreSettingsTest {
    private static final String BASE = """
            listeners:
              ws:    { host: 127.0.0.1, port: 0 }
              admin: { host: 127.0.0.1, port: 0 }
            """;

    @Test
    void defaultsWithoutAStoreSection() {
        StoreSettings s = ConfigLoader.parse(BASE).store();
        assertTrue(s.enabled());
        assertTrue(s.durable());
        assertNull(s.dataDir(), "unset: the instance's data directory (InstanceLayout)");
        assertEquals(1000, s.maxPerEntity());
        assertEquals(1024L * 1024, s.maxBytesPerEntity());
        assertEquals(100_000, s.maxTotal());
        assertEquals(64L * 1024 * 1024, s.maxTotalBytes());
        assertEquals(Duration.ofMinutes(10), s.defaultTtl());
        assertEquals(Duration.ofHours(24), s.maxTtl());
        assertEquals(Duration.ofSeconds(2), s.holdFor());
        assertEquals(Duration.ofSeconds(5), s.sweepInterval());
        assertEquals(3, s.maxDeliveryAttempts());
        assertFalse(s.storeBlockingRequests());
    }

    @Test
    void everyKeyCanBeSet() {
        BridgeConfig c = ConfigLoader.parse(BASE + """
                store:
                  enabled: true
                  durable: false
                  dataDir: /var/lib/m2m-bridge
                  maxPerEntity: 10
                  maxBytesPerEntity: 5000
                  maxTotal: 20
                  maxTotalBytes: 6000000000
                  defaultTtl: 2m
                  maxTtl: 1h
                  holdFor: 0
                  sweepInterval: 1s
                  maxDeliveryAttempts: 5
                  storeBlockingRequests: true
                """);
        StoreSettings s = c.store();
        assertFalse(s.durable());
        assertEquals("/var/lib/m2m-bridge", s.dataDir());
        assertEquals(10, s.maxPerEntity());
        assertEquals(5000L, s.maxBytesPerEntity());
        assertEquals(20, s.maxTotal());
        assertEquals(6_000_000_000L, s.maxTotalBytes());
        assertEquals(Duration.ofMinutes(2), s.defaultTtl());
        assertEquals(Duration.ofHours(1), s.maxTtl());
        assertEquals(Duration.ZERO, s.holdFor());
        assertEquals(Duration.ofSeconds(1), s.sweepInterval());
        assertEquals(5, s.maxDeliveryAttempts());
        assertTrue(s.storeBlockingRequests());
    }

    @Test
    void impossibleValuesAndUnknownKeysNameTheKey() {
        assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.parse(BASE + "store: { maxPerEntity: 0 }\n"))
                .getMessage().contains("store.maxPerEntity"));
        assertTrue(assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(BASE + "store: { maxDeliveryAttempts: 0 }\n"))
                .getMessage().contains("store.maxDeliveryAttempts"));
        assertTrue(assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(BASE + "store: { defaultTtl: 2h, maxTtl: 1h }\n"))
                .getMessage().contains("store.maxTtl"));
        assertTrue(assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(BASE + "store: { maxTotal: 5, maxPerEntity: 10 }\n"))
                .getMessage().contains("store.maxTotal"));
        String unknown = assertThrows(ConfigException.class, () -> ConfigLoader.parse(BASE + "store: { ttl: 1m }\n"))
                .getMessage();
        assertTrue(unknown.contains("store.ttl") && unknown.contains("unknown key"), unknown);
    }
}
