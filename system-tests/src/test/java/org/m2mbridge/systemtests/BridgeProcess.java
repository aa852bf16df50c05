package org.m2mbridge.systemtests;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.testing.Await;

/**
 * The bridge as a child JVM ({@code org.m2mbridge.distribution.Main --config FILE}, this test's class path), so it
 * can really be killed: {@link #kill()} is SIGKILL ({@code kill -9}), {@link #stop()} SIGTERM. Its stdout and stderr
 * are read continuously; the {@code listening <name>=<uri>} lines give the bound addresses, the rest is kept as a
 * short tail for failure messages.
 */
final class BridgeProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int TAIL_LINES = 60;
    private static final HttpClient ADMIN = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final Map<String, URI> listeners = new ConcurrentHashMap<>();
    private final Deque<String> tail = new ArrayDeque<>();
    /** Every line the process printed (the tests' bridges log at WARN: a few hundred lines at most). */
    private final List<String> output = new ArrayList<>();

    private BridgeProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readOutput, "bridge-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code Main --config config} and returns once the admin listener (bound last) is announced. */
    static BridgeProcess start(Path config) {
        return start(List.of(), config, List.of());
    }

    /** {@link #start(Path)} with extra JVM options, e.g. {@code -Dlogback.configurationFile=...}. */
    static BridgeProcess start(Path config, List<String> jvmOptions) {
        return start(List.of(), config, jvmOptions);
    }

    /**
     * As {@link #start(Path)}, with the process's open-file limit ({@code ulimit -n}, what {@code LimitNOFILE} sets
     * under systemd) lowered to {@code limit}.
     */
    static BridgeProcess startWithOpenFileLimit(Path config, int limit) {
        return start(List.of("sh", "-c", "ulimit -n " + limit + " && exec \"$@\"", "sh"), config, List.of());
    }

    private static BridgeProcess start(List<String> wrapper, Path config, List<String> jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "org.m2mbridge.distribution.Main", "--config", config.toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        long started = System.nanoTime();
        BridgeProcess bridge;
        try {
            bridge = new BridgeProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Await.until(START_TIMEOUT, () -> bridge.listeners.containsKey("admin") || !bridge.process.isAlive(),
                    () -> "bridge announced its listeners; output:\n" + bridge.tail());
        } catch (AssertionError e) {
            bridge.kill();
            throw e;
        }
        if (!bridge.process.isAlive()) {
            throw new AssertionError("bridge exited with " + bridge.process.exitValue() + ":\n" + bridge.tail());
        }
        System.out.printf("bridge pid %d up in %d ms: %s%n", bridge.process.pid(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), bridge.listeners);
        return bridge;
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("listening ") && line.indexOf('=') > 0) {
                    int eq = line.indexOf('=');
                    listeners.put(line.substring("listening ".length(), eq), URI.create(line.substring(eq + 1)));
                }
                synchronized (tail) {
                    output.add(line);
                    tail.addLast(line);
                    if (tail.size() > TAIL_LINES) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process died: nothing more to read
        }
    }

    String tail() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    /** The lines printed so far that contain {@code fragment}. */
    List<String> printed(String fragment) {
        synchronized (tail) {
            return output.stream().filter(line -> line.contains(fragment)).toList();
        }
    }

    URI listener(String name) {
        URI uri = listeners.get(name);
        if (uri == null) {
            throw new AssertionError("no listener " + name + " announced: " + listeners);
        }
        return uri;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no store close, sockets reset by the kernel. */
    void kill() {
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** SIGTERM (the normal way to stop the bridge); returns once it exited, with its exit code. */
    int stop(Duration timeout) {
        process.destroy();
        return awaitExit(timeout);
    }

    /** Sends SIGTERM and returns at once. */
    void terminate() {
        process.destroy();
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("bridge did not exit within " + timeout + ":\n" + tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    /**
     * The value of one Prometheus series from the admin listener, e.g. {@code m2mbridge_store_primitives} or
     * {@code m2mbridge_late_responses_total{binding="ws"}}; 0 when the series is not exposed (yet).
     */
    double metric(String series) {
        String text;
        try {
            text = ADMIN.send(HttpRequest.newBuilder(listener("admin").resolve("/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]);
            }
        }
        return 0;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
        }
    }
}
