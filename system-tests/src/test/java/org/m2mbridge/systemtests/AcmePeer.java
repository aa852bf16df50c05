package org.m2mbridge.systemtests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.testing.Await;

/**
 * A real ACME-oneM2M-CSE started through {@code scripts/peers/acme.sh} (README: "Live tests against real peers"):
 * an IN-CSE ({@code /id-in}, {@code cse-in}) or an MN-CSE ({@code /id-mn}, {@code cse-mn}) whose registrar is a
 * given URL. ACME cannot bind port 0 and report it, so a port is picked at random and the start is retried with
 * another one when ACME's log says the port was taken (bounded); nothing probes for a free port.
 */
final class AcmePeer implements AutoCloseable {
    static final Path SCRIPT = Path.of("..", "scripts", "peers", "acme.sh");
    private static final int ATTEMPTS = 5;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final int httpPort;
    private final Path dataDir;
    final PeerLog log;

    private AcmePeer(Process process, int httpPort, Path dataDir, PeerLog log) {
        this.process = process;
        this.httpPort = httpPort;
        this.dataDir = dataDir;
        this.log = log;
    }

    /**
     * {@code "acme=<version> python=<version>"} if {@code acmeHome} can run here (the script's {@code check}),
     * else empty with the reason in {@code reason}.
     */
    static Optional<String> check(Path acmeHome, StringBuilder reason) {
        try {
            Process p = new ProcessBuilder(SCRIPT.toString(), "check", acmeHome.toString()).redirectErrorStream(true)
                    .start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reason.append("acme.sh check did not finish within 60 s");
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                reason.append(out);
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            reason.append("cannot run ").append(SCRIPT.toAbsolutePath()).append(": ").append(e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static AcmePeer in(Path acmeHome, Path workDir) {
        return start(acmeHome, workDir, "in", null);
    }

    /** An MN-CSE registering to the IN-CSE {@code /id-in} at {@code registrar} (e.g. the bridge's ws:// URL). */
    static AcmePeer mn(Path acmeHome, Path workDir, URI registrar) {
        return start(acmeHome, workDir, "mn", registrar);
    }

    private static AcmePeer start(Path acmeHome, Path workDir, String role, URI registrar) {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int httpPort = randomPort();
            Path dataDir = workDir.resolve("acme-" + role + "-" + attempt);
            List<String> command = new ArrayList<>(List.of(SCRIPT.toString(), role, acmeHome.toString(),
                    String.valueOf(httpPort), dataDir.toString()));
            if (registrar != null) {
                // ACME appends "/" to the registrar address itself
                command.add(registrar.toString().replaceAll("/+$", ""));
                command.add(String.valueOf(randomPort()));
            }
            Process process;
            try {
                Files.createDirectories(dataDir);
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("console.txt").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PeerLog log = new PeerLog(PeerLog.firstIn(dataDir.resolve("logs"), ".log"), 20_000);
            AcmePeer peer = new AcmePeer(process, httpPort, dataDir, log);
            try {
                Await.until(START_TIMEOUT, () -> log.contains("CSE started") || log.contains("already in use")
                        || !process.isAlive(), () -> "ACME " + role + " started; " + peer.diagnosis());
            } catch (AssertionError e) {
                peer.close();
                throw e;
            }
            if (log.contains("already in use")) { // HTTP: "Port: N already in use"; WebSocket: "Address already in use"
                failures.add(log.excerpt(2, "already in use"));
                peer.close();
                continue;
            }
            if (!process.isAlive()) {
                throw new AssertionError("ACME " + role + " exited with " + process.exitValue() + "; "
                        + peer.diagnosis() + "\n(headless ACME exits silently on a configuration error: run "
                        + String.join(" ", command) + " with ACME_HEADLESS=false to see it)");
            }
            System.out.printf("ACME %s up on http://127.0.0.1:%d (data %s)%n", role, httpPort, dataDir);
            return peer;
        }
        throw new AssertionError("ACME " + role + " found its random ports taken " + ATTEMPTS + " times: " + failures);
    }

    /** Outside the kernel's ephemeral range (32768-60999), where a random port is rarely in use. */
    private static int randomPort() {
        return ThreadLocalRandom.current().nextInt(20_000, 32_000);
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + httpPort);
    }

    /** ACME's console output and the end of its log, for failure messages. */
    String diagnosis() {
        String console;
        try {
            Path c = dataDir.resolve("console.txt");
            console = Files.exists(c) ? Files.readString(c).strip() : "";
        } catch (IOException e) {
            console = e.toString();
        }
        return "console: [" + console + "]; log (" + dataDir.resolve("logs") + ") ends:\n" + log.excerpt(15);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
