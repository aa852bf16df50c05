package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16.9: {@code --help}, {@code --version}, every command listed, exit codes documented, the aliases kept. */
class CommandLineTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Main.Launch l = Main.launch(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertNull(l.running());
        return l.exitCode();
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryCommandOptionAndExitCode() {
        assertEquals(Main.OK, run("--help"));
        String help = stdout();
        for (String command : List.of("run", "start", "stop", "status", "check-config", "store")) {
            assertTrue(help.matches("(?s).*\\n  " + command + " +\\S.*"), command + " listed: " + help);
        }
        for (String option : List.of("--config", "--demo", "--check-config", "--help", "--version")) {
            assertTrue(help.contains(option), option);
        }
        assertTrue(help.contains("Exit codes:") && help.matches("(?s).*\\n  0 +stopped normally.*\\n  1 +could not "
                + "start.*\\n  2 +configuration or usage error.*"), help);
        assertTrue(help.contains("M2MBRIDGE_DATA_DIR") && help.contains("SIGHUP"), help);
        out.reset();
        assertEquals(Main.OK, run("store", "--help"));
        for (String command : List.of("registrations", "queues", "remove", "purge")) {
            assertTrue(stdout().contains("  " + command + " "), command + ": " + stdout());
        }
    }

    @Test
    void versionIsTheBuildsVersion() {
        assertEquals(Main.OK, run("--version"));
        assertTrue(stdout().startsWith("m2m-bridge " + BuildInfo.VERSION + "\n"), stdout());
        out.reset();
        assertEquals(Main.OK, run("-V"));
        assertTrue(stdout().contains(BuildInfo.VERSION), stdout());
    }

    @Test
    void checkConfigIsACommandAndAnOption() throws Exception {
        Path file = Files.writeString(dir.resolve("b.yaml"), "listeners:\n  ws: { port: 0 }\nstore: { durable: false }\n");
        assertEquals(Main.OK, run("check-config", "--config", file.toString()));
        assertEquals(Main.OK, run("--check-config", "--config", file.toString()));
        assertEquals(Main.OK, run("--config", file.toString(), "--check-config"));
        assertEquals(2, stdout().split("configuration OK", -1).length - 2, stdout());
    }

    @Test
    void theScriptsCommandsReachingTheJvmSaySo() {
        assertEquals(Main.CONFIG_ERROR, run("start"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'start' is a command of the bin/m2m-bridge script"),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStoreCommandWithoutItsEntityIsAUsageError() {
        assertEquals(Main.CONFIG_ERROR, run("store", "remove"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("ENTITY-ID"), err.toString(StandardCharsets.UTF_8));
    }
}
