package org.m2mbridge.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * HiveMQ CE embedded on a free loopback port (stack-notes 1.7), for tests. {@link #stop()} and {@link #start()}
 * restart it on the same port, as a broker restart looks to a client.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final int port;
    private final boolean tls;
    private EmbeddedHiveMQ hivemq;

    /** Starts a broker on a free loopback port. */
    public EmbeddedBroker() throws Exception {
        this(freePort(), true);
    }

    /** A broker for {@code port}, started now or only by {@link #start()} (a broker that comes up late). */
    public EmbeddedBroker(int port, boolean startNow) throws Exception {
        this(port, startNow, null);
    }

    /** A TLS broker on a free port with the server key in {@code keystore} (JKS, password {@code password}). */
    public static EmbeddedBroker tls(Path keystore, String password) throws Exception {
        return new EmbeddedBroker(freePort(), true, """
                <tls-tcp-listener><port>%%d</port><bind-address>127.0.0.1</bind-address>
                  <tls><keystore><path>%s</path><password>%s</password><private-key-password>%s</private-key-password></keystore></tls>
                </tls-tcp-listener>""".formatted(keystore.toAbsolutePath(), password, password));
    }

    /**
     * A TLS broker that requires a client certificate (mutual TLS) trusted by {@code truststore} (JKS); the server
     * key as in {@link #tls(Path, String)}, all with password {@code password}.
     */
    public static EmbeddedBroker mutualTls(Path keystore, Path truststore, String password) throws Exception {
        return new EmbeddedBroker(freePort(), true, """
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
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    %s
                  </listeners>
                  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                </hivemq>
                """.formatted(tlsListener != null ? tlsListener.formatted(port)
                : "<tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>".formatted(port)));
        if (startNow) {
            start();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public synchronized void start() throws Exception {
        if (hivemq != null) {
            return;
        }
        EmbeddedHiveMQ h = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(dir.resolve("conf"))
                .withDataFolder(dir.resolve("data"))
                .withExtensionsFolder(dir.resolve("extensions"))
                .withoutLoggingBootstrap()
                .build();
        h.start().get(60, TimeUnit.SECONDS);
        hivemq = h;
    }

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
