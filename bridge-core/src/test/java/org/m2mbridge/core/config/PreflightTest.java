package org.m2mbridge.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.5: what {@code --check-config} (and every start) checks beyond the file itself, on real files and real
 * name resolution: a start must not fail on something the check approved.
 */
class PreflightTest {
    @TempDir
    Path dir;

    private InstanceLayout layout() {
        return InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.toString()));
    }

    private List<String> check(String yaml) {
        return Preflight.check(ConfigLoader.parse(yaml), layout());
    }

    private String error(String yaml) {
        return assertThrows(ConfigException.class, () -> check(yaml)).getMessage();
    }

    @Test
    void aWritableInstancePassesAndTheCheckLeavesNothingBehind() throws Exception {
        assertEquals(List.of(), check("listeners: { ws: { port: 0 } }\n"));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.filter(p -> !p.getFileName().toString().equals("data")).toList());
        }
    }

    // a TLS listener's key store and an http upstream's trust store: the bindings' own tests (issue 17 item 1)

    @Test
    void anUnresolvableListenerHostIsAnErrorAnUpstreamsAWarning() {
        String m = error("listeners: { ws: { host: no-such-host.invalid, port: 0 } }\n");
        assertTrue(m.startsWith("listeners.ws.host: host 'no-such-host.invalid' does not resolve"), m);
        List<String> warnings = check("""
                listeners: { ws: { port: 0 } }
                upstreams:
                  - { name: a, binding: http, url: "http://cse.no-such-host.invalid:8080", cseId: /id-in }
                  - { name: b, binding: ws, url: "ws://peer.no-such-host.invalid:8180/", cseId: /id-mn }
                """);
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("upstreams[0].url: host 'cse.no-such-host.invalid' does not resolve"),
                warnings.toString());
        assertTrue(warnings.get(1).startsWith("upstreams[1].url:"), warnings.toString()); // broker: MqttConfigurationTest
    }

    @Test
    void aDataDirectoryThatCannotBeCreatedIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String viaEnv = assertThrows(ConfigException.class, () -> Preflight.check(
                ConfigLoader.parse("listeners: { ws: { port: 0 } }\n"), InstanceLayout.of(Map.of(
                        InstanceLayout.HOME, dir.toString(), InstanceLayout.DATA_DIR, file.resolve("d").toString()))))
                .getMessage();
        assertTrue(viaEnv.startsWith("M2MBRIDGE_DATA_DIR: " + file.resolve("d") + " cannot be created: " + file
                + " is not a directory"), viaEnv);
        String viaKey = error("listeners: { ws: { port: 0 } }\nstore: { dataDir: " + file.resolve("d") + " }\n");
        assertTrue(viaKey.startsWith("store.dataDir: "), viaKey);
        assertEquals(List.of(), check("listeners: { ws: { port: 0 } }\nstore: { durable: false, dataDir: "
                + file.resolve("d") + " }\n"), "an in-memory store needs no directory");
    }
}
