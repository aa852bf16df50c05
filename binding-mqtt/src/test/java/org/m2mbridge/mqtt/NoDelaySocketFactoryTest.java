package org.m2mbridge.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
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

    @Test
    void thePlainSocketReadsAheadSoPahosByteByByteHeaderReadsDoNotEachReachTheSocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket s = NoDelaySocketFactory.plain().createSocket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5000);
            try (Socket peer = server.accept()) {
                OutputStream out = peer.getOutputStream();
                out.write(new byte[] {0x40, 0x02, 0x00, 0x07}); // a PUBACK for packet 7, as one segment
                out.flush();
                InputStream in = s.getInputStream();
                assertSame(in, s.getInputStream(), "one stream per socket: Paho asks once, the buffer must last");
                assertInstanceOf(NoDelaySocketFactory.ReadAhead.class, in);
                DataInputStream data = new DataInputStream(in);
                assertEquals(0x40, data.readUnsignedByte());
                assertEquals(2, data.readUnsignedByte());
                assertEquals(7, data.readUnsignedShort());
            }
        }
    }

    @Test
    void availableAnswersFromTheBufferWithoutAskingTheSocketWhileItHoldsData() throws Exception {
        int[] asked = new int[1];
        InputStream socket = new ByteArrayInputStream(new byte[] {1, 2, 3, 4, 5}) {
            @Override
            public synchronized int available() {
                asked[0]++;
                return super.available();
            }
        };
        NoDelaySocketFactory.ReadAhead in = new NoDelaySocketFactory.ReadAhead(socket);
        assertEquals(1, in.read()); // fills the buffer with all five bytes
        assertEquals(4, in.available());
        assertEquals(0, asked[0], "buffered bytes are known without a system call");
        assertEquals(4, in.readNBytes(4).length);
        assertEquals(0, in.available()); // empty buffer: the socket decides
        assertEquals(1, asked[0]);
    }
}
