package org.m2mbridge.ws.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.TestConnectProxy;
import org.m2mbridge.ws.config.WsUpstreamSettings;

/**
 * Many upgrades through a CONNECT proxy (TS-0020 7.6), each on a fresh tunnel, against a server that accepts every
 * upgrade: every one must succeed. The proxy answers 200 as soon as it has read the CONNECT head, so the client reads
 * the 200 while its own write of the CONNECT is barely done; taking the tunnel over before that write has finished
 * made about 1 upgrade in 75 fail with {@code WritePendingException} on a loaded machine (docs/libraries.md WSC-7).
 */
@Timeout(120)
class ProxyTunnelTest {
    private static final int ROUNDS = 30;
    private static final int PER_ROUND = 4;

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private ServerSocket server;
    private TestConnectProxy proxy;
    private UpstreamClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.stop();
        }
        proxy.close();
        server.close();
        closeAccepted();
    }

    @Test
    void everyUpgradeThroughTheProxySucceeds() throws Exception {
        acceptingServer();
        proxy = new TestConnectProxy(null, null);
        WsUpstreamSettings settings = new WsUpstreamSettings(List.of("oneM2M.json"), null, null, null, Duration.ZERO,
                Duration.ofSeconds(10), null, null, new WsUpstreamSettings.Proxy(proxy.url(), null, null), null, null,
                null, null);
        client = new UpstreamClient("tunnel", URI.create("ws://127.0.0.1:" + server.getLocalPort()), settings, null,
                65536);
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            List<CompletableFuture<ClientConnection>> opening = new ArrayList<>();
            for (int i = 0; i < PER_ROUND; i++) { // a few at once: the client's threads compete, as on a busy host
                opening.add(client.open(new ClientConnection("c" + round + "." + i, new Silent()), null));
            }
            for (CompletableFuture<ClientConnection> f : opening) {
                try {
                    f.get(15, TimeUnit.SECONDS).abort(); // the proxy then closes the tunnel; the pool keeps the rest
                } catch (ExecutionException e) {
                    failures.add(e.getCause().toString());
                }
            }
        }
        assertEquals(List.of(), failures, "upgrades through the proxy that failed, of " + ROUNDS * PER_ROUND);
    }

    /** Answers every upgrade with 101 and the first offered subprotocol, then stays silent. */
    private void acceptingServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    Thread answer = new Thread(() -> answerUpgrade(s), "accepting-server-conn");
                    answer.setDaemon(true);
                    answer.start(); // one thread each: a spare tunnel the pool opened may never carry a request
                } catch (IOException e) {
                    // closed by the test
                }
            }
        }, "accepting-server");
        t.setDaemon(true);
        t.start();
    }

    private static void answerUpgrade(Socket s) {
        try {
            List<String> head = TestConnectProxy.readHead(s.getInputStream());
            String key = head.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("");
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + FrozenWsServer.acceptFor(key) + "\r\n"
                    + "Sec-WebSocket-Protocol: oneM2M.json\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
        } catch (IOException e) {
            // a socket the client dropped
        }
    }

    private void closeAccepted() throws IOException {
        for (Socket s : accepted) {
            s.close();
        }
        accepted.clear();
    }

    private static final class Silent implements ClientConnection.Listener {
        @Override
        public void onOpen(ClientConnection connection) {
        }

        @Override
        public void onMessage(ClientConnection connection, byte[] message, boolean text) {
        }

        @Override
        public void onClosed(ClientConnection connection, String reason) {
        }
    }
}
