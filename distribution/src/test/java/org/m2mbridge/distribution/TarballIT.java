package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.Binding;
import org.m2mbridge.core.testing.Await;

/**
 * The release tarball as an operator gets it: unpacked into a temp dir, {@code bin/m2m-bridge} run as a real process
 * with the JDK running this test. Runs in failsafe's integration-test phase, after {@code package} built the tarball.
 */
@Timeout(120)
class TarballIT {
    private static final Pattern LISTENING = Pattern.compile("^listening (\\w+)=(\\S+)$");

    @TempDir
    static Path unpacked;
    static Path home;

    @BeforeAll
    static void unpack() throws Exception {
        String built = System.getProperty("m2mbridge.tarball");
        assertNotNull(built, "TarballIT runs under failsafe after package (./mvnw verify), which names the tarball");
        Path tarball = Path.of(built);
        assertTrue(Files.isRegularFile(tarball), "package built " + tarball);
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS), "tar finished");
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        home = unpacked.resolve("m2m-bridge-" + System.getProperty("m2mbridge.version"));
    }

    @Test
    void layoutIsComplete() throws IOException {
        Path script = home.resolve("bin/m2m-bridge");
        assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OTHERS_EXECUTE), "0755");
        assertTrue(Files.readString(script).startsWith("#!/bin/sh\n"));
        for (String f : List.of("config/bridge.yaml", "config/demo.yaml", "config/logback.xml",
                "config/logback-json.xml", "config/logback-cli.xml", "config/m2m-bridge.service",
                "config/grafana-dashboard.json", "README.md", "docs/operations.md", "docs/architecture.md",
                "docs/security.md", "docs/reliability.md")) {
            assertTrue(Files.isRegularFile(home.resolve(f)), f);
        }
        assertTrue(Files.isDirectory(home.resolve("logs")), "empty logs/ shipped");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            for (String prefix : List.of("distribution-", "bridge-core-", "undertow-core-", "logback-classic-",
                    "jul-to-slf4j-", "prometheus-metrics-exposition-formats-", "prometheus-metrics-instrumentation-jvm-")) {
                assertTrue(names.stream().anyMatch(n -> n.startsWith(prefix) && n.endsWith(".jar")), prefix + " in lib/");
            }
            assertFalse(names.stream().anyMatch(n -> n.startsWith("junit-")), "no test jars in lib/");
        }
    }

    /** Issue 9: bin/m2m-load comes with the tarball of a plain build, and runs from it (its JMH does not). */
    @Test
    void theLoadToolShipsInThePlainBuildsTarball() throws Exception {
        Path script = home.resolve("bin/m2m-load");
        assertTrue(Files.getPosixFilePermissions(script).contains(PosixFilePermission.OTHERS_EXECUTE), "0755");
        // its logging: unconfigured, the logback in lib/ would log Undertow's and HttpClient's DEBUG to the console
        assertTrue(Files.readString(home.resolve("config/m2m-load-logback.xml")).contains("<root level=\"WARN\">"));
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            List<String> names = jars.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("bench-") && n.endsWith(".jar")), "bench jar: " + names);
            assertTrue(names.stream().anyMatch(n -> n.startsWith("HdrHistogram-")), "HdrHistogram: " + names);
            assertFalse(names.stream().anyMatch(n -> n.startsWith("jmh-")), "no JMH in a release: " + names);
        }
        ProcessBuilder pb = new ProcessBuilder(script.toString(), "--help").directory(unpacked.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "m2m-load --help finished");
        assertEquals(0, p.exitValue(), err.get(5, TimeUnit.SECONDS));
        assertTrue(out.get(5, TimeUnit.SECONDS).contains("--connections"), out.get());
    }

    @Test
    void runsAnnouncesAnswersHealthAndExitsZeroOnSigterm() throws Exception {
        Path config = Files.writeString(unpacked.resolve("ephemeral.yaml"), """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                timeouts: { shutdownGrace: 1s }
                """);
        Process bridge = launcher("--config", config.toString()).start();
        try {
            BlockingQueue<String> stdout = lines(bridge.getInputStream());
            CompletableFuture<String> stderr = drain(bridge.getErrorStream());
            List<String> listening = new ArrayList<>();
            URI admin = null;
            while (admin == null) { // admin is announced last, once every listener is bound
                String line = stdout.poll(60, TimeUnit.SECONDS);
                assertNotNull(line, "no 'listening admin=' line within 60 s; stderr so far: " + stderr.getNow(""));
                Matcher m = LISTENING.matcher(line);
                if (m.matches()) {
                    listening.add(m.group(1));
                    if (m.group(1).equals("admin")) {
                        admin = URI.create(m.group(2));
                    }
                }
            }
            assertTrue(admin.toString().matches("http://127\\.0\\.0\\.1:\\d+/"), admin.toString());
            assertEquals(bindingsInLib().contains("ws"), listening.contains("ws"),
                    "a 'listening ws=' line exactly when lib/ has the ws binding; got " + listening);

            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());

            // Issue 16.6: a second instance on the same installation (same data directory) says why in one line.
            Process second = launcher("--config", config.toString()).start();
            CompletableFuture<String> secondErr = drain(second.getErrorStream());
            drain(second.getInputStream());
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
            assertEquals(1, second.exitValue(), secondErr.get(5, TimeUnit.SECONDS));
            String locked = secondErr.get(5, TimeUnit.SECONDS);
            assertTrue(locked.contains("m2m-bridge: cannot start: the store " + home.resolve("data/bridge.mv.db")
                    + " is locked by another process"), locked);
            assertFalse(locked.contains("MVStoreException") || locked.contains("\tat "), locked);

            // Issue 16.3: SIGHUP used to stop the bridge with exit 0; now it reloads the configuration file (and
            // the logback file bin/m2m-bridge passes) and the bridge keeps running.
            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(bridge.pid())).start();
            assertTrue(hup.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Await.within(java.time.Duration.ofSeconds(20), () -> {
                try {
                    return Files.readString(home.resolve("logs/m2m-bridge.log"))
                            .contains("configuration reloaded from " + config);
                } catch (IOException e) {
                    return false;
                }
            }), "SIGHUP reloaded the configuration");
            assertTrue(bridge.isAlive(), "still running after SIGHUP");
            PrometheusScrape reloaded = PrometheusScrape.of(admin);
            assertEquals(1, reloaded.value("m2mbridge_config_reloads_total{result=\"success\"}"));
            assertEquals(1, reloaded.value("m2mbridge_config_last_reload_successful"));
            assertEquals(200, AdminClient.get(admin, "/health/live").statusCode());

            bridge.destroy(); // SIGTERM on Linux
            assertTrue(bridge.waitFor(5, TimeUnit.SECONDS), "exited within 5 s of SIGTERM");
            assertEquals(0, bridge.exitValue(), "SIGTERM is a normal stop; stderr: " + stderr.get(5, TimeUnit.SECONDS));
            assertTrue(Files.readString(home.resolve("logs/m2m-bridge.log")).contains("listening admin=" + admin),
                    "the file appender writes under M2MBRIDGE_HOME/logs");
            assertTrue(Files.isRegularFile(home.resolve("data/bridge.mv.db")),
                    "in place, the durable store is data/ under the installation");
        } finally {
            bridge.destroyForcibly();
        }
    }

    /**
     * The operator's round: start in the background, status, a device connects, the status page lists it in a real
     * browser, stop; logs land in logs/ (main log, access log, console output).
     */
    @Test
    void startStatusStopWithPidFileLogsAndStatusPage(@TempDir Path profile) throws Exception {
        String token = "tarball-token-0123456789";
        Path config = Files.writeString(unpacked.resolve("service.yaml"), """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in }
                routes: { default: in-cse }
                timeouts: { shutdownGrace: 1s }
                store: { durable: false }
                demo: { enabled: true }
                admin: { token: %s }
                """.formatted(token));
        Path pidFile = home.resolve("data/m2m-bridge.pid");
        Result started = script("start", "--config", config.toString());
        try {
            assertEquals(0, started.exit(), started.toString());
            Matcher admin = Pattern.compile("(?m)^listening admin=(\\S+)$").matcher(started.out());
            Matcher ws = Pattern.compile("(?m)^listening ws=(\\S+)$").matcher(started.out());
            assertTrue(admin.find() && ws.find(), "start prints the listening lines: " + started);
            String pid = Files.readString(pidFile).trim();
            assertTrue(pid.matches("\\d+"), pid);

            Result status = script("status");
            assertEquals(0, status.exit(), status.toString());
            assertTrue(status.out().contains("running (pid " + pid + ")"), status.toString());
            assertEquals(0, script("start", "--config", config.toString()).exit(), "start when running is a no-op");
            assertEquals(pid, Files.readString(pidFile).trim());

            try (WsTestClient device = new WsTestClient(URI.create(ws.group(1)), "Ctarball-ae")) {
                com.fasterxml.jackson.databind.node.ObjectNode create = WsTestClient.primitive(1, "cse-in").put("ty", 2);
                create.putObject("pc").putObject("m2m:ae").put("rn", "tarball-ae").put("api", "Ntarball")
                        .put("rr", true).putArray("srv").add("3");
                assertEquals(2001, device.request(create).path("rsc").asInt());
                Path chromium = Path.of("/usr/bin/chromium");
                if (Files.isExecutable(chromium)) {
                    String dom = OperabilityTest.dumpDom(chromium, profile,
                            URI.create(admin.group(1)).resolve("/status?token=" + token));
                    assertTrue(dom.contains("Ctarball-ae") && dom.contains("data-loaded=\"true\""),
                            "the status page lists the connected AE: " + dom);
                } else {
                    System.out.println("skipping the browser part: /usr/bin/chromium is not installed");
                }
            }

            Result stopped = script("stop");
            assertEquals(0, stopped.exit(), stopped.toString());
            assertTrue(stopped.out().contains("stopped (pid " + pid + ")"), stopped.toString());
            assertFalse(Files.exists(pidFile), "pid file removed");
            Result after = script("status");
            assertEquals(3, after.exit(), "LSB: not running; " + after);
            assertEquals(0, script("stop").exit(), "stop when stopped is a no-op");

            Path logs = home.resolve("logs");
            assertTrue(Files.readString(logs.resolve("m2m-bridge.log")).contains("listening admin=" + admin.group(1)));
            String console = Files.readString(logs.resolve("console.log"));
            assertTrue(console.contains("listening ws=" + ws.group(1)), console);
            // Issue 16.10: console.log no longer repeats the log (it never rolled); the log file has the lines.
            assertFalse(console.contains(" INFO ") || console.contains("bindings found"), console);
            assertTrue(Files.readString(logs.resolve("m2m-bridge.log")).contains("bindings found"));
            String access = Files.readString(logs.resolve("access.log"));
            assertTrue(access.matches("(?s).*conn=ws-\\d+ side=down fr=Ctarball-ae rqi=\\S+ op=create to=cse-in ty=2 "
                    + "rsc=2001 ms=\\d+\\.\\d via=in-cse flag=-\n.*"), access);
            assertFalse(access.contains("Ntarball"), "no content in the access log");
        } finally {
            if (Files.exists(pidFile)) {
                script("stop");
            }
        }
    }

    /**
     * Issue 14: an OutOfMemoryError that happens anyway (here: the budget disabled by a budget far above a 64 MiB
     * heap, and 16 MiB messages allowed before registration) is written to the bridge's log and ends the process
     * with status 3, for systemd to restart it (config/m2m-bridge.service: Restart=on-failure).
     */
    @Test
    void outOfMemoryIsLoggedAndEndsTheProcessWithStatusThree() throws Exception {
        Path config = Files.writeString(unpacked.resolve("oom.yaml"), """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                limits:
                  maxMessageBytes: 16777216
                  unregisteredMessageBytes: 16777216
                  inboundBudgetBytes: 4294967296
                  messageAssemblyTimeout: 5m
                store: { durable: false }
                """);
        ProcessBuilder pb = launcher("--config", config.toString());
        pb.environment().put("JAVA_OPTS", "-Xmx64m");
        Process bridge = pb.start();
        HttpClient client = HttpClient.newHttpClient();
        List<WebSocket> sockets = new ArrayList<>();
        try {
            BlockingQueue<String> stdout = lines(bridge.getInputStream());
            CompletableFuture<String> stderr = drain(bridge.getErrorStream());
            URI ws = null;
            String line;
            while ((line = stdout.poll(60, TimeUnit.SECONDS)) != null && !line.startsWith("listening admin=")) {
                if (line.startsWith("listening ws=")) {
                    ws = URI.create(line.substring("listening ws=".length()));
                }
            }
            assertNotNull(ws, "no listening ws= line; stderr: " + stderr.getNow(""));
            ByteBuffer part = ByteBuffer.allocate(16 * 1024 * 1024 - 1);
            for (int i = 0; i < 8 && bridge.isAlive(); i++) { // 8 x 16 MiB unfinished binary messages
                try {
                    WebSocket s = client.newWebSocketBuilder().subprotocols("oneM2M.R2.0.cbor")
                            .buildAsync(ws, new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
                    sockets.add(s);
                    s.sendBinary(part.duplicate(), false);
                } catch (ExecutionException gone) {
                    break; // the bridge has already exited
                }
            }
            assertTrue(bridge.waitFor(60, TimeUnit.SECONDS), "the bridge exited; stderr: " + stderr.getNow(""));
            assertEquals(3, bridge.exitValue(), "-XX:+ExitOnOutOfMemoryError's status");
            // the reader thread may not have taken the JVM's last line yet when the exit is seen
            List<String> out = new ArrayList<>();
            assertTrue(Await.within(java.time.Duration.ofSeconds(10), () -> {
                stdout.drainTo(out);
                return out.stream().anyMatch(l -> l.startsWith("Terminating due to java.lang.OutOfMemoryError"));
            }), "the JVM says why on stdout: " + out);
            String log = Files.readString(home.resolve("logs/m2m-bridge.log"));
            String note = "ERROR [oom] org.m2mbridge.distribution.Main - java.lang.OutOfMemoryError in pid "
                    + bridge.pid() + ":";
            assertTrue(log.contains(note), "the log says it before the exit: " + log.substring(
                    Math.max(0, log.length() - 2000)));
            assertTrue(log.indexOf(note) > log.lastIndexOf("listening admin="), "after what was logged before");
        } finally {
            sockets.forEach(WebSocket::abort);
            bridge.destroyForcibly();
        }
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result script(String... args) throws Exception {
        ProcessBuilder pb = launcher(args);
        Process p = pb.start();
        CompletableFuture<String> out = drain(p.getInputStream());
        CompletableFuture<String> err = drain(p.getErrorStream());
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "bin/m2m-bridge " + String.join(" ", args) + " finished");
        return new Result(p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    }

    @Test
    void unknownKeyExitsNonZeroNamingTheKey() throws Exception {
        Path config = Files.writeString(unpacked.resolve("typo.yaml"), """
                listeners:
                  ws: { host: 127.0.0.1, prot: 8180 }
                """);
        Process p = launcher("--config", config.toString()).start();
        CompletableFuture<String> stderr = drain(p.getErrorStream());
        drain(p.getInputStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(stderr.get(5, TimeUnit.SECONDS).contains("listeners.ws.prot"), stderr.get());
    }

    @Test
    void takenPortExitsOneNamingTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path config = Files.writeString(unpacked.resolve("taken.yaml"), "listeners:\n  ws: { port: 0 }\n"
                    + "  admin: { host: 127.0.0.1, port: " + taken.getLocalPort() + " }\n");
            Process p = launcher("--config", config.toString()).start();
            CompletableFuture<String> stderr = drain(p.getErrorStream());
            drain(p.getInputStream());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, p.exitValue());
            String line = "m2m-bridge: cannot start: admin listener cannot bind 127.0.0.1:" + taken.getLocalPort()
                    + ": address already in use";
            String err = stderr.get(5, TimeUnit.SECONDS);
            assertEquals(1, err.split(Pattern.quote(line), -1).length - 1, "the reason, once: " + err);
            assertFalse(err.contains("\tat ") || err.contains("Exception"), "no stack trace: " + err);
        }
    }

    /**
     * Issue 16.4: {@code start} with a port conflict printed 20 lines of stack trace that cut off the reason. Now
     * the reason alone, and the bridge's own exit code.
     */
    @Test
    void startWithATakenPortPrintsTheReasonInOneLine() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path config = Files.writeString(unpacked.resolve("taken-start.yaml"), "listeners:\n"
                    + "  ws: { host: 127.0.0.1, port: " + taken.getLocalPort() + " }\nstore: { durable: false }\n");
            Result started = script("start", "--config", config.toString());
            assertEquals(1, started.exit(), started.toString());
            assertEquals("m2m-bridge: cannot start: binding ws failed to start (listeners.ws 127.0.0.1:"
                    + taken.getLocalPort() + "): address already in use", started.err().strip(), started.toString());
            assertFalse(Files.exists(home.resolve("data/m2m-bridge.pid")), "no pid file left");
        }
    }

    /** Issue 16.9: help and version through the script, also after a script command, which then does not run. */
    @Test
    void helpAndVersionPassThroughTheScript() throws Exception {
        Result help = script("--help");
        assertEquals(0, help.exit(), help.toString());
        for (String command : List.of("run", "start", "stop", "status", "check-config", "store")) {
            assertTrue(help.out().contains("\n  " + command + " "), command + ": " + help.out());
        }
        assertTrue(help.out().contains("Exit codes:"), help.out());
        Result version = script("--version");
        assertEquals(0, version.exit(), version.toString());
        assertTrue(version.out().startsWith("m2m-bridge " + System.getProperty("m2mbridge.version")), version.out());
        Result startHelp = script("start", "--help");
        assertEquals(0, startHelp.exit(), startHelp.toString());
        assertTrue(startHelp.out().contains("Usage: m2m-bridge start"), startHelp.out());
        assertFalse(Files.exists(home.resolve("data/m2m-bridge.pid")), "start --help starts nothing");
        assertEquals("", startHelp.err(), "no log output for a help text");
    }

    /**
     * Issue 16.10: JSON lines on request, a Logback file given in JAVA_OPTS wins over the script's, and the log
     * directory can be moved out of the installation.
     */
    @Test
    void logFormatAndConfigurationAreTheOperatorsChoice(@TempDir Path logs) throws Exception {
        Path config = Files.writeString(unpacked.resolve("check.yaml"), "listeners:\n  ws: { port: 0 }\n"
                + "  admin: { host: 127.0.0.1, port: 0 }\nstore: { durable: false }\ntimeouts: { shutdownGrace: 1s }\n");
        Path json = logs.resolve("json");
        ProcessBuilder pb = launcher("--config", config.toString());
        pb.environment().put("M2MBRIDGE_LOG_FORMAT", "json");
        pb.environment().put("M2MBRIDGE_LOG_DIR", json.toString());
        runUntilListeningThenStop(pb);
        String line = Files.readAllLines(json.resolve("m2m-bridge.log")).get(0);
        assertTrue(line.startsWith("{") && line.contains("\"level\":\"INFO\"") && line.contains("\"formattedMessage\":"),
                line);

        Path mine = Files.writeString(logs.resolve("mine.xml"), """
                <configuration>
                  <appender name="F" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>MINE %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="F"/></root>
                </configuration>
                """.formatted(logs.resolve("mine.log")));
        ProcessBuilder own = launcher("--config", config.toString());
        own.environment().put("JAVA_OPTS", "-Xmx256m -Dlogback.configurationFile=" + mine);
        own.environment().put("M2MBRIDGE_LOG_DIR", logs.resolve("unused").toString());
        runUntilListeningThenStop(own);
        assertTrue(Files.readString(logs.resolve("mine.log")).contains("MINE listening admin="), "JAVA_OPTS wins");
        assertFalse(Files.exists(logs.resolve("unused/m2m-bridge.log")), "the script's logback.xml was not used");
    }

    private static void runUntilListeningThenStop(ProcessBuilder pb) throws Exception {
        Process bridge = pb.start();
        try {
            BlockingQueue<String> stdout = lines(bridge.getInputStream());
            CompletableFuture<String> stderr = drain(bridge.getErrorStream());
            for (String line = ""; !line.startsWith("listening admin="); ) {
                line = stdout.poll(60, TimeUnit.SECONDS);
                assertNotNull(line, "no 'listening admin=' line; stderr: " + stderr.getNow(""));
            }
            bridge.destroy();
            assertTrue(bridge.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, bridge.exitValue(), stderr.get(5, TimeUnit.SECONDS));
        } finally {
            bridge.destroyForcibly();
        }
    }

    @Test
    void tooOldOrMissingJavaIsRefusedWithAMessage() throws Exception {
        Path fakeJdk = unpacked.resolve("jdk11");
        Files.createDirectories(fakeJdk.resolve("bin"));
        Path java = Files.writeString(fakeJdk.resolve("bin/java"),
                "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        java.toFile().setExecutable(true);
        ProcessBuilder old = launcher("--check-config");
        old.environment().put("JAVA_HOME", fakeJdk.toString());
        assertRefused(old, "Java 17 or newer is required");

        ProcessBuilder missing = launcher("--check-config");
        missing.environment().put("JAVA_HOME", unpacked.resolve("no-such-jdk").toString());
        assertRefused(missing, "JAVA_HOME");
    }

    private static void assertRefused(ProcessBuilder pb, String message) throws Exception {
        Process p = pb.start();
        CompletableFuture<String> stderr = drain(p.getErrorStream());
        drain(p.getInputStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertNotEquals(0, p.exitValue());
        assertTrue(stderr.get(5, TimeUnit.SECONDS).contains(message), stderr.get());
    }

    private static ProcessBuilder launcher(String... args) {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/m2m-bridge").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(unpacked.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("JAVA_OPTS", "-Xmx256m");
        pb.environment().remove("M2MBRIDGE_HOME");
        return pb;
    }

    /** Binding names registered by the jars in lib/, found exactly as the bridge finds them. */
    private static List<String> bindingsInLib() throws IOException {
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                urls.add(jar.toUri().toURL());
            }
        }
        // lib/ alone (platform parent), so its Binding is another class than ours: call name() reflectively.
        try (URLClassLoader lib = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Class<?> spi = Class.forName(Binding.class.getName(), false, lib);
            List<String> names = new ArrayList<>();
            for (Object b : ServiceLoader.load(spi, lib)) {
                names.add((String) spi.getMethod("name").invoke(b));
            }
            return names;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("bridge-core's Binding not usable from lib/", e);
        }
    }

    static BlockingQueue<String> lines(InputStream in) {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>(10_000);
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    queue.offer(line);
                }
            } catch (IOException e) {
                // process gone: the waiting side times out with a message
            }
        }, "bridge-stdout");
        t.setDaemon(true);
        t.start();
        return queue;
    }

    /** Reads a stream to its end on its own thread (never the common pool: it may have one thread here). */
    static CompletableFuture<String> drain(InputStream in) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        }, "bridge-drain");
        t.setDaemon(true);
        t.start();
        return text;
    }
}
