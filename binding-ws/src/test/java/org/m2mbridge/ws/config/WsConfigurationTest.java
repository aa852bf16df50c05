package org.m2mbridge.ws.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.config.ConfigException;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.Preflight;

/** What this binding asks {@link Preflight} to check (moved from core's PreflightTest with the check, issue 17). */
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
}
