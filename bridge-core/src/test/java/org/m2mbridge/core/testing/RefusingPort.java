package org.m2mbridge.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A loopback port that refuses connections and cannot be taken by anyone else while this is open: a TCP socket
 * bound to an ephemeral port (0) but never listening, so a connect to it gets a reset. Tests that need "nothing
 * listens there" use it instead of picking a free port and hoping it stays free on a busy machine.
 */
public final class RefusingPort implements AutoCloseable {
    private final SocketChannel socket;

    public RefusingPort() {
        try {
            socket = SocketChannel.open();
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        try {
            return ((InetSocketAddress) socket.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Releases the port, e.g. to let the test start a listener on it next. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
