package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NoDelaySocketFactoryTest {

    @Test
    void theUnconnectedSocketPahoAsksForHasNoDelayAndKeepsItOnceConnected() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket s = NoDelaySocketFactory.plain().createSocket()) {
            assertTrue(s.getTcpNoDelay());
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            assertTrue(s.getTcpNoDelay());
        }
    }

    @Test
    void tlsSocketsStaySslSocketsWithNoDelay() throws Exception {
        SSLSocketFactory tls = NoDelaySocketFactory.tls((SSLSocketFactory) SSLSocketFactory.getDefault());
        try (Socket s = tls.createSocket()) {
            assertInstanceOf(SSLSocket.class, s, "Paho's ssl:// module casts to SSLSocket");
            assertTrue(s.getTcpNoDelay());
        }
    }
}
