package org.m2mbridge.mqtt;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.client.parameter.Listener;
import com.hivemq.extension.sdk.api.client.parameter.ServerInformation;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * HiveMQ CE embedded on a loopback port (docs/libraries.md TEST-1, TEST-2), for tests, with file persistence in its
 * own data folder.
 * The first start binds port 0 and reads the port the broker got; {@link #stop()} and {@link #start()} restart it
 * on that same port with its data folder kept (sessions, subscriptions and queued messages survive), as a broker
 * restart looks to a client.
 */
public final class EmbeddedBroker implements RestartableBroker {
    /** Rebinding the same port right after a stop may briefly fail: tries, and the pause between them. */
    private static final int REBIND_TRIES = 20;
    private static final Duration REBIND_PAUSE = Duration.ofMillis(250);

    private final Path dir;
    private final boolean tls;
    /** The listener element with a {@code %d} for the port. */
    private final String listener;
    private volatile int port;
    private EmbeddedHiveMQ hivemq;
    private volatile ServerInformation server;

    /** Starts a broker on a port of the system's choosing. */
    public EmbeddedBroker() throws Exception {
        this(0, true);
    }

    /** A broker for {@code port} (0: the system's choice), started now or only by {@link #start()}. */
    public EmbeddedBroker(int port, boolean startNow) throws Exception {
        this(port, startNow, null);
    }

    /** A TLS broker with the server key in {@code keystore} (JKS, password {@code password}). */
    public static EmbeddedBroker tls(Path keystore, String password) throws Exception {
        return new EmbeddedBroker(0, true, """
                <tls-tcp-listener><port>%%d</port><bind-address>127.0.0.1</bind-address>
                  <tls><keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore></tls>
                </tls-tcp-listener>""".formatted(keystore.toAbsolutePath(), password, password));
    }

    /**
     * A TLS broker that requires a client certificate (mutual TLS) trusted by {@code truststore} (JKS); the server
     * key as in {@link #tls(Path, String)}, all with password {@code password}.
     */
    public static EmbeddedBroker mutualTls(Path keystore, Path truststore, String password) throws Exception {
        return new EmbeddedBroker(0, true, """
                <tls-tcp-listener><port>%%d</port><bind-address>127.0.0.1</bind-address>
                  <tls><keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore>
                    <truststore><path>%s</path><password>%s</password></truststore>
                    <client-authentication-mode>REQUIRED</client-authentication-mode></tls>
                </tls-tcp-listener>""".formatted(keystore.toAbsolutePath(), password, password,
                truststore.toAbsolutePath(), password));
    }

    private EmbeddedBroker(int port, boolean startNow, String tlsListener) throws Exception {
        dir = Files.createTempDirectory("hivemq-test");
        this.port = port;
        this.tls = tlsListener != null;
        this.listener = tlsListener != null ? tlsListener
                : "<tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>";
        Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        if (startNow) {
            start();
        }
    }

    private void writeConfig() throws IOException {
        Files.writeString(dir.resolve("conf").resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    %s
                  </listeners>
                  <persistence><mode>file</mode></persistence>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(listener.formatted(port)));
    }

    /**
     * Starts the broker: on port 0 the first time (then {@link #port()} is the port it got), on the same port
     * afterwards, retrying a bounded number of times while that port is still taken.
     */
    @Override
    public synchronized void start() throws Exception {
        if (hivemq != null) {
            return;
        }
        Exception last = null;
        for (int i = 0; i < (port == 0 ? 1 : REBIND_TRIES); i++) {
            if (i > 0) {
                LockSupport.parkNanos(REBIND_PAUSE.toNanos()); // a pause between bind attempts, not a wait
            }
            try {
                startOnce();
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("HiveMQ did not start on port " + port + " after " + REBIND_TRIES + " tries",
                last);
    }

    private void startOnce() throws Exception {
        writeConfig();
        server = null;
        EmbeddedHiveMQ h = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withEmbeddedExtension(serverInformationExtension())
                .withoutLoggingBootstrap()
                .build();
        try {
            h.start().get(60, TimeUnit.SECONDS);
            int bound = boundPort();
            if (bound <= 0 || (port != 0 && bound != port)) {
                throw new IOException("HiveMQ listener not bound to port " + port + " (got " + bound + ")");
            }
            port = bound;
            hivemq = h;
        } catch (Exception e) {
            try {
                h.stop().get(30, TimeUnit.SECONDS);
            } finally {
                h.close();
            }
            throw e;
        }
    }

    /** The port of the (only) listener, as HiveMQ reports it after binding (the real one for port 0). */
    private int boundPort() {
        ServerInformation s = server;
        if (s == null) {
            return -1;
        }
        return s.getListener().stream().mapToInt(Listener::getPort).findFirst().orElse(-1);
    }

    /** Keeps this broker's ServerInformation (per instance, unlike the static Services). */
    private EmbeddedExtension serverInformationExtension() {
        return EmbeddedExtension.builder().withId("test-server-information").withName("test server information")
                .withVersion("1").withAuthor("m2m-bridge tests").withPriority(0).withStartPriority(0)
                .withExtensionMain(new ExtensionMain() {
                    @Override
                    public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
                        server = in.getServerInformation();
                    }

                    @Override
                    public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {
                    }
                }).build();
    }

    @Override
    public synchronized void stop() throws Exception {
        if (hivemq == null) {
            return;
        }
        try {
            hivemq.stop().get(30, TimeUnit.SECONDS);
        } finally {
            hivemq.close();
            hivemq = null;
        }
    }

    @Override
    public String url() {
        return (tls ? "ssl" : "tcp") + "://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
