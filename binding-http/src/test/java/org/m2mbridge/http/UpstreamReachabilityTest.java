package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RefusingPort;

/** {@code /health/ready} for an HTTP upstream: known at start, and back when the CSE is, without device traffic. */
@Timeout(60)
class UpstreamReachabilityTest {

    @Test
    void anUpstreamThatIsNotThereIsUnreachableFromTheStartAndReachableOnceItListensWithoutAnyRequest()
            throws Exception {
        RefusingPort refusing = new RefusingPort();
        int port = refusing.port();
        try (UpstreamHarness h = new UpstreamHarness("http://127.0.0.1:" + port)) {
            assertTrue(Await.within(Duration.ofSeconds(10), () -> !h.upstream.isReachable()),
                    "the probe at start finds nothing listening");
            refusing.close(); // the port was ours all along: now a listener takes it over
            try (ServerSocket cse = new ServerSocket()) {
                cse.setReuseAddress(true);
                cse.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                assertTrue(Await.within(Duration.ofSeconds(15), () -> h.upstream.isReachable()),
                        "the probe while down sees it listening again");
            }
        }
    }

    @Test
    void aListeningUpstreamStaysReachable() throws Exception {
        try (ServerSocket cse = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamHarness h = new UpstreamHarness("http://127.0.0.1:" + cse.getLocalPort())) {
            assertTrue(h.upstream.isReachable());
            assertTrue(!Await.within(Duration.ofMillis(500), () -> !h.upstream.isReachable()),
                    "no false alarm");
        }
    }
}
