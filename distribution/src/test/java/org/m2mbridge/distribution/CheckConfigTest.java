package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16.5: {@code check-config} does everything start does except bind, through the same code path, so a
 * configuration it approves does not then fail at start, and what it refuses a start refuses the same way.
 */
@Timeout(60)
class CheckConfigTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Launch launch(Map<String, String> env, String... args) {
        out.reset();
        err.reset();
        return Main.launch(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Checked, then started: both refuse with the same line and the same exit code. */
    private String refusedByBoth(String yaml, Map<String, String> env, int code) throws Exception {
        Path file = Files.writeString(dir.resolve("bridge.yaml"), yaml);
        Main.Launch check = launch(env, "check-config", "--config", file.toString());
        String checked = stderr();
        assertEquals(code, check.exitCode(), checked);
        Main.Launch start = launch(env, "--config", file.toString());
        if (start.running() != null) {
            start.running().close();
        }
        assertEquals(code, start.exitCode(), "start agrees with check-config: " + stderr());
        assertEquals(checked, stderr(), "the same line from the same check");
        return checked;
    }

    @Test
    void aMissingKeyStoreIsFoundByTheCheck() throws Exception {
        String m = refusedByBoth("""
                listeners:
                  wss:
                    port: 0
                    tls: { keyStore: %s, keyStorePassword: changeit, clientAuth: none }
                store: { durable: false }
                """.formatted(dir.resolve("server.p12")), Map.of(), Main.CONFIG_ERROR);
        assertTrue(m.startsWith("m2m-bridge: configuration error: listeners.wss.tls.keyStore: cannot read PKCS#12 "
                + "file " + dir.resolve("server.p12") + ": no such file"), m);
    }

    /** The start used to blame listeners.http (the HTTP binding failed); the check names the upstream's key. */
    @Test
    void anUpstreamUrlWithAPortOutOfRangeNamesTheUpstream() throws Exception {
        String m = refusedByBoth("""
                listeners:
                  ws:   { port: 0 }
                  http: { port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:80800", cseId: /id-in }
                store: { durable: false }
                """, Map.of(), Main.CONFIG_ERROR);
        assertTrue(m.contains("upstreams[0].url: port 80800 is out of range 1..65535") && m.contains("(line 5)"), m);
        assertFalse(m.contains("listeners.http"), m);
    }

    @Test
    void anUnresolvableListenerHostIsRefusedAnUpstreamHostIsAWarning() throws Exception {
        String m = refusedByBoth("listeners:\n  ws: { host: bridge.no-such-host.invalid, port: 0 }\n"
                + "store: { durable: false }\n", Map.of(), Main.CONFIG_ERROR);
        assertTrue(m.contains("listeners.ws.host: host 'bridge.no-such-host.invalid' does not resolve"), m);

        Path file = Files.writeString(dir.resolve("warn.yaml"), """
                listeners:
                  ws: { port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://cse.no-such-host.invalid:8080", cseId: /id-in,
                      notifications: false }
                store: { durable: false }
                """);
        assertEquals(Main.OK, launch(Map.of(), "check-config", "--config", file.toString()).exitCode(), stderr());
        assertTrue(stderr().contains("m2m-bridge: warning: upstreams[0].url: host 'cse.no-such-host.invalid' does "
                + "not resolve"), stderr());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("configuration OK"));
    }

    /**
     * A data directory that cannot be created: before, the start died with an uncaught UncheckedIOException stack
     * trace and check-config said OK.
     */
    @Test
    void aDataDirectoryThatCannotBeCreatedIsRefusedBeforeTheStart() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        String m = refusedByBoth("listeners:\n  ws: { port: 0 }\n",
                Map.of("M2MBRIDGE_DATA_DIR", file.resolve("data").toString()), Main.CONFIG_ERROR);
        assertTrue(m.startsWith("m2m-bridge: configuration error: M2MBRIDGE_DATA_DIR: " + file.resolve("data")
                + " cannot be created"), m);
        assertFalse(m.contains("Exception") || m.contains("\tat "), m);
        assertEquals(1, m.lines().count(), "one line: " + m);
    }

    @Test
    void aDuplicatedSectionIsRefusedWithBothLines() throws Exception {
        String m = refusedByBoth("listeners:\n  ws: { port: 0 }\nstore: { durable: false }\nlisteners:\n"
                + "  admin: { port: 0 }\n", Map.of(), Main.CONFIG_ERROR);
        assertTrue(m.contains("listeners: appears twice in the same section (lines 1 and 4)"), m);
    }
}
