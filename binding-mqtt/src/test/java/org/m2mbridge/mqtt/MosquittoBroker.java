package org.m2mbridge.mqtt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The project's own Mosquitto process for tests: a generated configuration in a temporary directory (loopback
 * listener, anonymous access, {@code persistence true} in that directory). Mosquitto cannot report the port of a
 * port-0 bind, so a port is chosen below the kernel's ephemeral range, and if Mosquitto exits because it is taken
 * another one is tried (bounded). {@link #stop()} is SIGTERM, on which Mosquitto writes its persistence file, and
 * {@link #start()} starts it again on the same port with that file.
 */
public final class MosquittoBroker implements RestartableBroker {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"),
            Path.of("/usr/local/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"), Path.of("/usr/local/bin/mosquitto"),
            Path.of("/opt/homebrew/sbin/mosquitto"));
    private static final int PORT_TRIES = 10;
    private static final long START_TIMEOUT_MS = 15_000;

    private final Path binary;
    private final Path dir;
    private volatile int port;
    private Process process;
    private final List<String> log = new CopyOnWriteArrayList<>();

    /** Where {@code mosquitto} is installed, if it is. */
    public static Optional<Path> binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    /** Starts Mosquitto on a port it could bind; the binary must exist ({@link #binary()}). */
    public MosquittoBroker() throws Exception {
        this.binary = binary().orElseThrow(() -> new IllegalStateException("mosquitto is not installed"));
        this.dir = Files.createTempDirectory("mosquitto-test");
        IOException last = null;
        for (int i = 0; i < PORT_TRIES; i++) {
            port = ThreadLocalRandom.current().nextInt(20_000, 32_000); // below ip_local_port_range
            try {
                startOnce();
                return;
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw new IOException("mosquitto found no free port in " + PORT_TRIES + " tries", last);
    }

    private static final class PortTakenException extends IOException {
        PortTakenException(String message) {
            super(message);
        }
    }

    private void startOnce() throws Exception {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, String.join("\n",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence true",
                "persistence_location " + dir.toAbsolutePath() + "/",
                "user " + System.getProperty("user.name"), // as root, Mosquitto would switch to user mosquitto
                "set_tcp_nodelay true",
                "log_dest stderr", // unbuffered: stdout to a pipe is only flushed when full
                "log_type error", "log_type warning", "log_type notice", "log_type information",
                ""));
        log.clear();
        Process p = new ProcessBuilder(binary.toString(), "-c", conf.toString()).redirectErrorStream(true).start();
        CompletableFuture<Boolean> running = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    if (line.contains(" running")) {
                        running.complete(true);
                    }
                }
            } catch (IOException e) {
                // the process went away
            }
            running.complete(false);
        }, "mosquitto-log-" + port);
        reader.setDaemon(true);
        reader.start();
        boolean up;
        try {
            up = running.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            throw new IOException("mosquitto did not start within " + START_TIMEOUT_MS + " ms: " + log);
        }
        if (!up || !p.isAlive()) {
            p.waitFor(5, TimeUnit.SECONDS);
            if (log.stream().anyMatch(l -> l.contains("Address already in use"))) {
                throw new PortTakenException("port " + port + " is taken");
            }
            throw new IOException("mosquitto exited at start: " + log);
        }
        process = p;
    }

    /** Starts Mosquitto again on its port (retried a bounded number of times while the port is still taken). */
    @Override
    public synchronized void start() throws Exception {
        if (process != null) {
            return;
        }
        PortTakenException last = null;
        for (int i = 0; i < PORT_TRIES; i++) {
            if (i > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
            }
            try {
                startOnce();
                return;
            } catch (PortTakenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** SIGTERM, as an operator's restart would send; Mosquitto saves its in-memory database before it exits. */
    @Override
    public synchronized void stop() throws Exception {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IOException("mosquitto did not stop on SIGTERM within 15 s");
        }
    }

    @Override
    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** What Mosquitto logged since its last start (connections, saves, errors). */
    public List<String> log() {
        return List.copyOf(log);
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
