package org.m2mbridge.mqtt;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

/**
 * Sockets with {@code TCP_NODELAY} for Paho, which never sets it: with Nagle on, a small MQTT packet (a PUBACK, a
 * short response) waits for the peer's delayed ACK, which put a ~40-50 ms floor under every request/response
 * exchange through the broker (docs/benchmarks.md, (d) at C=1, W=1). Paho creates an unconnected socket with
 * {@link #createSocket()} and connects it itself, so that is where the option is set; for {@code ssl://} Paho
 * requires an {@link SSLSocketFactory}, hence {@link #tls}.
 * <p>
 * The plain socket's input is also buffered: Paho reads every packet straight from the socket, its fixed header a
 * byte at a time, and asks {@code available()} before each, so each received packet cost three to four system
 * calls (docs/benchmarks.md, "MQTT (d)"). TLS sockets buffer their records already.
 */
public final class NoDelaySocketFactory extends SocketFactory {
    private static final NoDelaySocketFactory PLAIN = new NoDelaySocketFactory();

    private NoDelaySocketFactory() {
    }

    /** For {@code tcp://} brokers. */
    public static SocketFactory plain() {
        return PLAIN;
    }

    /** For {@code ssl://} brokers: {@code delegate}'s sockets (trust, client certificate), with no delay. */
    public static SSLSocketFactory tls(SSLSocketFactory delegate) {
        return new Tls(delegate);
    }

    private static <S extends Socket> S noDelay(S socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(new BufferedInputSocket());
    }

    /** A plain socket whose input stream reads ahead into a buffer (one per socket, made on first use). */
    static final class BufferedInputSocket extends Socket {
        private InputStream in;

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new ReadAhead(super.getInputStream());
            }
            return in;
        }
    }

    /**
     * {@link BufferedInputStream} whose {@code available()} answers from the buffer when it holds data: the
     * inherited one asks the socket every time (a system call), and Paho calls it once per packet.
     */
    static final class ReadAhead extends BufferedInputStream {
        static final int SIZE = 8 * 1024;

        ReadAhead(InputStream in) {
            super(in, SIZE);
        }

        @Override
        public synchronized int available() throws IOException {
            int buffered = count - pos;
            return buffered > 0 ? buffered : super.available();
        }
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(new Socket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(new Socket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return noDelay(new Socket(address, port, localAddress, localPort));
    }

    private static final class Tls extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        Tls(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
