package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Main's code path up to the exit code: usage, configuration errors naming the key, --check-config, a real start. */
@Timeout(60)
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Launch launch(String... args) {
        return Main.launch(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("bridge.yaml"), yaml);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void unknownKeyIsAConfigurationErrorNamingTheKey() throws IOException {
        Path file = config("listeners:\n  ws: { host: 127.0.0.1, prot: 8180 }\n");
        Main.Launch l = launch("--config", file.toString());
        assertEquals(Main.CONFIG_ERROR, l.exitCode());
        assertNull(l.running());
        assertTrue(stderr().startsWith("m2m-bridge: configuration error: "), stderr());
        assertTrue(stderr().contains("listeners.ws.prot"), stderr());
    }

    @Test
    void portOutOfRangeIsAConfigurationErrorNamingTheKey() throws IOException {
        Path file = config("listeners:\n  ws: { host: 127.0.0.1, port: 70000 }\n");
        assertEquals(Main.CONFIG_ERROR, launch("--config", file.toString()).exitCode());
        assertTrue(stderr().contains("listeners.ws.port"), stderr());
        assertTrue(stderr().contains("70000"), stderr());
    }

    @Test
    void missingFileAndUnknownArgumentAreErrors() {
        assertEquals(Main.CONFIG_ERROR, launch("--config", dir.resolve("absent.yaml").toString()).exitCode());
        assertTrue(stderr().contains("absent.yaml: configuration file not found"), stderr());
        err.reset();
        assertEquals(Main.CONFIG_ERROR, launch("--verbose").exitCode());
        assertTrue(stderr().contains("Unknown option: '--verbose'") && stderr().contains("Usage: m2m-bridge")
                && stderr().contains("m2m-bridge --help"), stderr());
    }

    @Test
    void defaultConfigIsInTheConfigDirectoryOfTheInstance() {
        assertEquals(Path.of("/opt/m2m-bridge/config/bridge.yaml"), org.m2mbridge.core.config.InstanceLayout
                .of(Map.of("M2MBRIDGE_HOME", "/opt/m2m-bridge")).defaultConfigFile());
        assertEquals(Path.of("/etc/m2m-bridge/bridge.yaml"), org.m2mbridge.core.config.InstanceLayout
                .of(Map.of("M2MBRIDGE_HOME", "/opt/m2m-bridge", "M2MBRIDGE_CONFIG_DIR", "/etc/m2m-bridge"))
                .defaultConfigFile());
        Main.Launch l = Main.launch(new String[] {"check-config"}, Map.of("M2MBRIDGE_CONFIG_DIR", dir.toString()),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.CONFIG_ERROR, l.exitCode());
        assertTrue(stderr().contains(dir.resolve("bridge.yaml") + ": configuration file not found"), stderr());
    }

    @Test
    void checkConfigValidatesWithoutStarting() throws IOException {
        Path file = config("listeners:\n  ws: { port: 0 }\n");
        Main.Launch l = launch("--check-config", "--config", file.toString());
        assertEquals(Main.OK, l.exitCode());
        assertNull(l.running());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("configuration OK"));
    }

    @Test
    void checkConfigRefusesAnHttpUpstreamThatCouldNeverNotifyNamingBothKeys() throws IOException {
        String yaml = "listeners:\n  ws: { port: 0 }\nupstreams:\n  - { name: in-cse, binding: http, "
                + "url: \"http://127.0.0.1:8080\", cseId: /id-in%s }\nroutes: { default: in-cse }\n";
        Main.Launch l = launch("--check-config", "--config", config(yaml.formatted("")).toString());
        assertEquals(Main.CONFIG_ERROR, l.exitCode());
        assertTrue(stderr().contains("upstreams[0]") && stderr().contains("binding http")
                && stderr().contains("listeners.http") && stderr().contains("upstreams[0].notifications: false"),
                stderr());
        // the explicit opt-out: an upstream that never notifies entities behind the bridge
        out.reset();
        l = launch("--check-config", "--config", config(yaml.formatted(", notifications: false")).toString());
        assertEquals(Main.OK, l.exitCode(), stderr());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("configuration OK"));
    }

    @Test
    void startsAndAnnouncesThenStops() throws Exception {
        Path file = config("listeners:\n  ws: { port: 0 }\n  admin: { port: 0 }\nstore: { durable: false }\n");
        Main.Launch l = launch("--config", file.toString());
        assertEquals(Main.OK, l.exitCode(), stderr());
        try (RunningBridge running = l.running()) {
            URI admin = running.bridge().listeners().get("admin");
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("listening admin=" + admin));
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());
        }
    }
}
