package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;

/**
 * Issue 16.2: the tarball installed as a systemd service by following docs/operations.md literally, in a temporary
 * root (a directory standing for "/"), then checked with {@code systemd-analyze} and run the way systemd runs it:
 * the unit's environment, its user, its state and log directories.
 *
 * <p>The install block of the guide runs unchanged in bash, with its absolute paths placed under the temporary root
 * and three commands that would change this machine replaced: {@code useradd} adds the user to the temporary root's
 * {@code /etc/passwd} ({@code --root}), {@code install -o/-g} takes the owner's and group's IDs from there, and
 * {@code systemctl} is recorded (no systemd runs here). The test then does what {@code systemctl start} would:
 * creates the StateDirectory and LogsDirectory for the unit's user and runs its ExecStart as that user
 * ({@code setpriv}). It needs root, {@code systemd-analyze}, {@code useradd} and {@code setpriv}, and skips with the
 * reason otherwise.
 */
@Timeout(180)
class ServiceInstallIT {
    private static final Pattern BLOCK = Pattern.compile(
            "<!-- install-steps:begin -->\\s*```sh\\n(.*?)```\\s*<!-- install-steps:end -->", Pattern.DOTALL);
    /** An absolute path of the installed system, not preceded by anything but a blank or '=' (a value). */
    private static final Pattern SYSTEM_PATH = Pattern.compile("(?<![^\\s=])/(opt|etc|var)(?=/|\\s|$)");

    @TempDir
    Path tmp;

    @Test
    void installedByTheGuideAsAServiceItStartsAsItsUserWritesOnlyItsDirectoriesAndScoresOk() throws Exception {
        assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed (Debian package systemd)");
        assumeTrue(onPath("useradd") && onPath("setpriv"), "useradd or setpriv is missing");
        assumeTrue("root".equals(System.getProperty("user.name")), "installing as the guide does needs root");

        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createDirectories(tmp.resolve("root"));
        seedRoot(root);
        Path work = Files.createDirectories(tmp.resolve("work"));
        String version = System.getProperty("m2mbridge.version");
        Files.copy(Path.of(System.getProperty("m2mbridge.tarball")), work.resolve("m2m-bridge-" + version + ".tar.gz"));

        // 1. The guide's commands, literally.
        Result install = bash(installScript(root, version), work);
        assertEquals(0, install.exit(), install.toString());
        assertTrue(install.out().contains("configuration OK: " + root + "/etc/m2m-bridge/bridge.yaml"), install.toString());
        assertEquals("m2m-bridge-" + version, Files.readSymbolicLink(root.resolve("opt/m2m-bridge")).toString());
        int uid = idIn(root, "passwd", "m2mbridge");
        int gid = idIn(root, "group", "m2mbridge");
        Path config = root.resolve("etc/m2m-bridge/bridge.yaml");
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertEquals(gid, (int) Files.getAttribute(config, "unix:gid"), "the service's group reads its config");
        String systemctl = Files.readString(root.resolve("systemctl.log"));
        assertTrue(systemctl.contains("systemctl daemon-reload\nsystemctl enable --now m2m-bridge"), systemctl);

        // 2. systemd's own checks of the installed unit.
        Result verify = run(List.of("systemd-analyze", "verify", "--root=" + root, "--recursive-errors=no",
                "m2m-bridge.service"), work, Map.of());
        assertEquals(0, verify.exit(), "systemd-analyze verify: " + verify);
        assertEquals("", (verify.out() + verify.err()).strip(), "no warning from systemd-analyze verify");
        Result security = run(List.of("systemd-analyze", "security", "--offline=yes", "--root=" + root,
                "m2m-bridge.service"), work, Map.of());
        Matcher score = Pattern.compile("Overall exposure level for m2m-bridge.service: (\\d+\\.\\d)").matcher(security.out());
        assertTrue(score.find(), security.toString());
        assertTrue(Double.parseDouble(score.group(1)) <= 3.0, "exposure " + score.group(1) + " > 3.0: " + security.out());
        System.out.println("systemd-analyze security: " + score.group(1));

        // 3. What systemctl start does, as the unit says. The operator's edit: free ports for this test.
        Files.writeString(config, Files.readString(config).replaceAll("port: \\d+", "port: 0"));
        Map<String, String> unit = service(root.resolve("etc/systemd/system/m2m-bridge.service"));
        Map<String, String> env = environment(unit.get("Environment"), root);
        assertEquals("m2mbridge", unit.get("User"));
        Path logs = root.resolve("var/log/m2m-bridge");
        Path state = root.resolve("var/lib/m2m-bridge");
        Files.createDirectories(root.resolve("var/lib"));
        serviceDirectory(logs, uid, gid);
        List<String> execStart = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid,
                "--clear-groups"));
        execStart.addAll(List.of(inRoot(unit.get("ExecStart"), root).split(" ")));
        List<String> installedBefore = listing(root.resolve("opt/m2m-bridge-" + version));

        // Without its StateDirectory the user cannot create the data directory: one line, exit 2, no stack trace.
        Result denied = run(execStart, state.getParent(), env);
        assertEquals(Main.CONFIG_ERROR, denied.exit(), denied.toString());
        assertEquals("m2m-bridge: configuration error: M2MBRIDGE_DATA_DIR: " + state + " cannot be created: "
                + state.getParent() + " is not writable by this user (?)", denied.err().strip().replaceAll(
                "user \\([^)]*\\)", "user (?)"), denied.toString());

        serviceDirectory(state, uid, gid);
        Process bridge = start(execStart, state, env);
        try {
            BlockingQueue<String> stdout = lines(bridge);
            URI admin = null;
            while (admin == null) {
                String line = stdout.poll(90, TimeUnit.SECONDS);
                assertNotNull(line, "no 'listening admin=' line");
                if (line.startsWith("listening admin=")) {
                    admin = URI.create(line.substring("listening admin=".length()));
                }
            }
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());
            Path store = state.resolve("bridge.mv.db");
            assertTrue(Files.isRegularFile(store), "the store is in the StateDirectory");
            assertEquals(uid, (int) Files.getAttribute(store, "unix:uid"));
            assertTrue(Files.readString(logs.resolve("m2m-bridge.log")).contains("listening admin=" + admin));
            assertEquals(installedBefore, listing(root.resolve("opt/m2m-bridge-" + version)),
                    "nothing written into the installation");

            // A second instance on the same data directory: one line naming the lock, exit 1.
            Result second = run(execStart, state, env);
            assertEquals(Main.START_FAILED, second.exit(), second.toString());
            assertTrue(second.err().strip().matches("m2m-bridge: cannot start: the store \\S+bridge.mv.db is locked "
                    + "by another process: is another m2m-bridge running on this data directory\\? .*"), second.toString());
            assertEquals(1, second.err().strip().lines().count(), second.toString());

            // systemctl reload (ExecReload: SIGHUP) leaves it running.
            assertEquals(0, run(List.of("kill", "-HUP", Long.toString(bridge.pid())), state, Map.of()).exit());
            assertTrue(Await.within(java.time.Duration.ofSeconds(20), () -> logContains(logs,
                    "SIGHUP received: reload is not supported yet")), "SIGHUP logged");
            assertTrue(bridge.isAlive(), "SIGHUP does not stop the bridge");
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());

            bridge.destroy(); // systemctl stop: SIGTERM
            assertTrue(bridge.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, bridge.exitValue());
        } finally {
            bridge.destroyForcibly();
        }
    }

    /**
     * What a real "/" has that the commands and systemd-analyze read: the user database (copied, so useradd --root
     * changes the copy), and /bin/kill (ExecReload's command, which verify checks exists).
     */
    private static void seedRoot(Path root) throws IOException {
        Path etc = Files.createDirectories(root.resolve("etc/systemd/system"));
        for (String f : List.of("passwd", "group", "shadow", "gshadow", "login.defs")) {
            if (Files.exists(Path.of("/etc", f))) {
                Files.copy(Path.of("/etc", f), root.resolve("etc").resolve(f));
            }
        }
        assertTrue(Files.isDirectory(etc));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"));
    }

    private static String installScript(Path root, String version) throws IOException {
        String guide = Files.readString(Path.of(System.getProperty("m2mbridge.repoRoot", ".."), "docs/operations.md"));
        Matcher block = BLOCK.matcher(guide);
        assertTrue(block.find(), "docs/operations.md has the install-steps block");
        StringBuilder script = new StringBuilder("""
                set -euo pipefail
                ROOT='%s'
                id_in() { awk -F: -v n="$2" '$1 == n { print $3 }' "$ROOT/etc/$1"; }
                useradd() { command useradd --root "$ROOT" "$@"; }
                install() {
                    local a=()
                    while [ $# -gt 0 ]; do
                        case $1 in
                            -o) a+=(-o "$(id_in passwd "$2")"); shift 2 ;;
                            -g) a+=(-g "$(id_in group "$2")"); shift 2 ;;
                            *) a+=("$1"); shift ;;
                        esac
                    done
                    command install "${a[@]}"
                }
                systemctl() { echo "systemctl $*" >> "$ROOT/systemctl.log"; }
                export JAVA_HOME='%s'
                """.formatted(root, System.getProperty("java.home")));
        for (String line : block.group(1).split("\n")) {
            String step = line.startsWith("VERSION=") ? "VERSION=" + version : line;
            script.append(SYSTEM_PATH.matcher(step).replaceAll("\\$ROOT/$1")).append('\n');
        }
        return script.toString();
    }

    /** The [Service] section: one value per key, Environment= lines joined with newlines. */
    private static Map<String, String> service(Path unit) throws IOException {
        Map<String, String> keys = new LinkedHashMap<>();
        boolean inService = false;
        for (String line : Files.readAllLines(unit)) {
            if (line.startsWith("[")) {
                inService = line.equals("[Service]");
            } else if (inService && !line.startsWith("#") && line.contains("=")) {
                int eq = line.indexOf('=');
                keys.merge(line.substring(0, eq), line.substring(eq + 1), (a, b) -> a + "\n" + b);
            }
        }
        return keys;
    }

    private static Map<String, String> environment(String lines, Path root) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : lines.split("\n")) {
            String assignment = line.startsWith("\"") ? line.substring(1, line.length() - 1) : line;
            int eq = assignment.indexOf('=');
            env.put(assignment.substring(0, eq), inRoot(assignment.substring(eq + 1), root));
        }
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", "-Xmx256m");
        return env;
    }

    private static String inRoot(String value, Path root) {
        return SYSTEM_PATH.matcher(value).replaceAll(Matcher.quoteReplacement(root.toString()) + "/$1");
    }

    /** What systemd does for StateDirectory= and LogsDirectory=: created, owned by the unit's user, mode 0750. */
    private static void serviceDirectory(Path dir, int uid, int gid) throws IOException {
        Files.createDirectories(dir);
        Files.setAttribute(dir, "unix:uid", uid);
        Files.setAttribute(dir, "unix:gid", gid);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    }

    private static int idIn(Path root, String database, String name) throws IOException {
        for (String line : Files.readAllLines(root.resolve("etc").resolve(database))) {
            String[] f = line.split(":");
            if (f[0].equals(name)) {
                return Integer.parseInt(f[2]);
            }
        }
        throw new AssertionError(name + " not in " + database);
    }

    private static boolean logContains(Path logs, String text) {
        try {
            return Files.readString(logs.resolve("m2m-bridge.log")).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)))
                || Files.isExecutable(Path.of("/usr/sbin", command)) || Files.isExecutable(Path.of("/sbin", command));
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result bash(String script, Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("install.sh"), script);
        return run(List.of("bash", file.toString()), dir, Map.of());
    }

    private static Result run(List<String> command, Path dir, Map<String, String> env) throws Exception {
        Process p = start(command, dir, env);
        CompletableFuture<String> out = TarballIT.drain(p.getInputStream());
        CompletableFuture<String> err = TarballIT.drain(p.getErrorStream());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " finished");
        return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    }

    private static Process start(List<String> command, Path dir, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().remove("M2MBRIDGE_HOME");
        pb.environment().putAll(env);
        if (!pb.environment().containsKey("PATH") || !pb.environment().get("PATH").contains("sbin")) {
            pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        }
        return pb.start();
    }

    private static BlockingQueue<String> lines(Process p) {
        TarballIT.drain(p.getErrorStream());
        return TarballIT.lines(p.getInputStream());
    }
}
