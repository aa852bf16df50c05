package org.m2mbridge.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hostile HTTP clients for the listener tests (docs/security.md, "HTTP listeners"): connections from a chosen
 * loopback source address that trickle an endless request head one byte per interval (slowloris), or that open
 * and send nothing. One thread writes the bytes and watches every socket for the server's close (end of stream or
 * reset), and records when it came.
 */
public final class SlowClients implements AutoCloseable {
    /** What each connection sends. */
    public enum Mode { TRICKLE, SILENT }

    private static final byte[] HEAD = ("POST /notify/slowloris HTTP/1.1\r\nHost: bridge\r\nX-M2M-Origin: /id-in\r\n"
            + "X-Padding: ").getBytes(StandardCharsets.US_ASCII);

    private static final class Connection {
        final SocketChannel channel;
        final long opened = System.nanoTime();
        volatile long closed = -1;
        int sent;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        byte next() {
            return sent < HEAD.length ? HEAD[sent++] : (byte) ('a' + sent++ % 26);
        }
    }

    private final Selector selector;
    private final Mode mode;
    private final long intervalNanos;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread pump;
    private volatile boolean running = true;

    private SlowClients(Mode mode, Duration interval) throws IOException {
        this.selector = Selector.open();
        this.mode = mode;
        this.intervalNanos = interval.toNanos();
        this.pump = new Thread(this::pump, "slow-clients");
        pump.setDaemon(true);
    }

    /**
     * Opens {@code count} connections from {@code from} (a loopback address such as 127.0.0.2) to {@code to}; in
     * {@link Mode#TRICKLE} each then sends one byte of a request head that never ends every {@code interval}.
     */
    public static SlowClients open(InetAddress from, InetSocketAddress to, int count, Mode mode, Duration interval) {
        try {
            SlowClients clients = new SlowClients(mode, interval);
            clients.add(from, to, count);
            clients.pump.start();
            return clients;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(InetAddress from, InetSocketAddress to, int count) throws IOException {
        List<Connection> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_LINGER, 0); // close() resets: no TIME_WAIT pile-up
            channel.bind(new InetSocketAddress(from, 0));
            channel.connect(to);
            channel.configureBlocking(false);
            opened.add(new Connection(channel));
        }
        for (Connection c : opened) {
            c.channel.register(selector, SelectionKey.OP_READ, c);
        }
        connections.addAll(opened);
    }

    private void pump() {
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer one = ByteBuffer.allocate(1);
        long nextByte = System.nanoTime();
        try {
            while (running) {
                selector.select(Math.max(1, (nextByte - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    try {
                        in.clear();
                        if (c.channel.read(in) < 0) {
                            closedByServer(c, key);
                        }
                    } catch (IOException e) {
                        closedByServer(c, key);
                    }
                }
                selector.selectedKeys().clear();
                if (mode == Mode.TRICKLE && System.nanoTime() - nextByte >= 0) {
                    nextByte += intervalNanos;
                    for (Connection c : connections) {
                        if (c.closed < 0) {
                            try {
                                one.clear();
                                one.put(c.next()).flip();
                                c.channel.write(one);
                            } catch (IOException e) {
                                closedByServer(c, c.channel.keyFor(selector));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closedByServer(Connection c, SelectionKey key) {
        if (c.closed < 0) {
            c.closed = System.nanoTime();
        }
        if (key != null) {
            key.cancel();
        }
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // closing a socket the server already closed
        }
    }

    /** Connections the server has not closed (yet). */
    public int stillOpen() {
        return (int) connections.stream().filter(c -> c.closed < 0).count();
    }

    /** How long the longest-lived closed connection lived, from its connect to the server's close. */
    public Duration longestLife() {
        return Duration.ofNanos(connections.stream().filter(c -> c.closed >= 0).mapToLong(c -> c.closed - c.opened)
                .max().orElse(0));
    }

    /** How long the shortest-lived closed connection lived. */
    public Duration shortestLife() {
        return Duration.ofNanos(connections.stream().filter(c -> c.closed >= 0).mapToLong(c -> c.closed - c.opened)
                .min().orElse(0));
    }

    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            pump.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Connection c : connections) {
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // best effort
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
