package org.m2mbridge.ws.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.Preflight;
import org.m2mbridge.core.testing.ConfigRefusal;

/**
 * This binding's checks of its keys (moved from core with the keys, issue 17 item 1) and what it asks
 * {@link Preflight} to check.
 */
class WsConfigurationTest {
    @TempDir
    Path dir;

    @Test
    void aMissingKeyStoreIsNamedBeforeTheStart() {
        String m = assertThrows(ConfigException.class, () -> Preflight.check(ConfigLoader.parse("""
                listeners:
                  wss:
                    port: 0
                    tls: { keyStore: %s, keyStorePassword: x, clientAuth: none }
                """.formatted(dir.resolve("absent.p12"))),
                InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.toString())))).getMessage();
        assertTrue(m.startsWith("listeners.wss.tls.keyStore: cannot read PKCS#12 file ") && m.endsWith("no such file"), m);
    }

    /** A WebSocket upstream's {@code url} is this binding's to check; the messages are the ones core gave. */
    @Test
    void aWebSocketUpstreamsUrlIsChecked() {
        String head = "listeners: { ws: { port: 0 } }\nupstreams:\n";
        ConfigRefusal.says(head + "  - { name: b, binding: ws, url: \"http://h:8180/\", cseId: /id-b }\n",
                "upstreams[0].url: must start with ws://, wss://, e.g. ws://127.0.0.1:8180/; got 'http://h:8180/'");
        ConfigRefusal.says(head + "  - { name: b, binding: ws, cseId: /id-b }\n",
                "upstreams[0].url: is required, e.g. ws://127.0.0.1:8180/");
        ConfigRefusal.says(head + "  - { name: b, binding: ws, url: \"ws:///x\", cseId: /id-b }\n",
                "upstreams[0].url: has no host");
    }

    /** The devices' listeners are this binding's: {@code ws} plain, {@code wss} TLS, both taking a dialect. */
    @Test
    void theDeviceListenersAreThisBindings() {
        BridgeConfig c = ConfigLoader.parse("listeners: { ws: { port: 0, dialect: { defaultRvi: \"3\" } } }\n");
        assertEquals("3", WsConfiguration.plainListener(c).dialect().defaultRvi());
        assertEquals(null, WsConfiguration.tlsListener(c));
        ConfigRefusal.says("listeners: { wss: { port: 0 } }\n", "listeners.wss.tls: is required on a TLS listener");
        ConfigRefusal.says("listeners: { ws: { port: 0, tls: { keyStore: k.p12 } } }\n",
                "listeners.ws.tls: this listener is plain; put TLS on listeners.wss");
        // the stand-in HTTP binding declares no device listener: only this binding's are named
        ConfigRefusal.says("listeners: { admin: { port: 0 } }\n", "listeners.ws: is required (or listeners.wss)");
    }
}
