package org.m2mbridge.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.BridgeContext;
import org.m2mbridge.core.budget.InboundBudget;
import org.m2mbridge.core.bus.Ingress;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.ConfigLoader;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * HTTP request bodies count against the process-wide inbound memory budget and its assembly deadline, as WebSocket
 * messages do (issue 14 item 1, docs/security.md "Memory budget"): a body trickled and never finished is answered
 * 408 and its connection closed after {@code limits.messageAssemblyTimeout}; when partial bodies spend the budget,
 * the largest holder is answered 503 and closed, while a CSE's small notification still goes through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestBodyBudgetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BUDGET = 200_000;
    private static final int DECLARED = 60_000;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Socket> sockets = new ArrayList<>();
    private TestBus bus;
    private HttpBinding binding;
    private InboundHttpTest.AnsweringLink device;
    private String token;
    private InboundBudget budget;

    private void start(String assemblyTimeout) throws Exception {
        bus = new TestBus(Duration.ofSeconds(5), new ScriptedUpstream("in-cse", "/id-in"));
        BridgeConfig config = ConfigLoader.parse("""
                listeners:
                  http: { host: 127.0.0.1, port: 0 }
                  deviceHttp: { host: 127.0.0.1, port: 0 }
                limits: { maxMessageBytes: 65536, inboundBudgetBytes: %d, messageAssemblyTimeout: %s }
                """.formatted(BUDGET, assemblyTimeout));
        binding = new HttpBinding();
        budget = InboundBudget.start(config.limits(), bus.metrics, bus.timer);
        binding.start(new BridgeContext(config, bus.bus, new Codecs(CodecLimits.DEFAULT), bus.metrics, bus.timer,
                budget));
        device = new InboundHttpTest.AnsweringLink();
        RequestPrimitive create = RequestPrimitive.builder().op(Operation.CREATE).to("/id-in").fr("Cbudget")
                .rqi("reg-1").rvi("3").ty(2)
                .pc(JSON.readTree("{\"m2m:ae\":{\"rn\":\"budget\",\"api\":\"Nx\",\"rr\":false}}")).build();
        assertEquals(2001, bus.bus.send(create, Ingress.downstream(device)).get(5, TimeUnit.SECONDS).rsc());
        token = bus.registry.byEntityId("Cbudget").orElseThrow().token();
    }

    @AfterEach
    void stop() {
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // already closed by the bridge
            }
        });
        binding.stop(Duration.ofMillis(200));
        bus.close();
    }

    /** A notification whose head is complete and whose body stops after {@code sent} of {@value #DECLARED} bytes. */
    private Socket partialBody(int sent) throws IOException {
        URI listener = binding.boundListeners().get("http");
        Socket s = new Socket();
        sockets.add(s);
        s.connect(new InetSocketAddress(listener.getHost(), listener.getPort()), 5000);
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST /notify/" + token + " HTTP/1.1\r\nHost: bridge\r\nX-M2M-Origin: /id-in\r\nX-M2M-RI: slow\r\n"
                + "X-M2M-RVI: 3\r\nContent-Type: application/json\r\nContent-Length: " + DECLARED + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[sent]);
        out.flush();
        return s;
    }

    /** The status line the bridge answered on {@code s}, or null if it closed without one. */
    private static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != -1 && c != '\n'; ) {
            line.append((char) c);
        }
        return line.length() == 0 ? null : line.toString().trim();
    }

    /** Reads until the bridge closes the connection; false if it stays open past the socket timeout. */
    private static boolean closedByBridge(Socket s) {
        try {
            InputStream in = s.getInputStream();
            while (in.read() != -1) {
                // the rest of the answer
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    private HttpResponse<String> notifySmall() throws Exception {
        return http.send(HttpRequest.newBuilder(binding.boundListeners().get("http").resolve("/notify/" + token))
                .timeout(Duration.ofSeconds(10)).header("X-M2M-Origin", "/id-in").header("X-M2M-RI", "n-ok")
                .header("X-M2M-RVI", "3").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"m2m:sgn\":{\"sur\":\"/id-in/sub1\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyNotFinishedWithinTheAssemblyTimeoutIs408AndTheConnectionIsClosed() throws Exception {
        start("1s");
        long t0 = System.nanoTime();
        Socket slow = partialBody(1000);
        String status = statusLine(slow);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(status != null && status.startsWith("HTTP/1.1 408"), "answered 408, got: " + status);
        assertTrue(took >= 900, "not before the assembly timeout: " + took + " ms");
        assertTrue(closedByBridge(slow), "the bridge closed the connection");
        assertEquals(1.0, bus.metrics.loadShed.labelValues("assembly_timeout").get());
        assertEquals(0, device.received.size(), "nothing half-received was delivered");
    }

    @Test
    void partialBodiesThatSpendTheBudgetCostTheLargestHolderItsConnectionNotASmallNotification() throws Exception {
        start("30s");
        // Four bodies of 50,000 of 60,000 bytes fill the 200,000-byte budget; the fifth sheds the largest.
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            slow.add(partialBody(i == 0 ? 55_000 : 45_000));
        }
        Await.until(Duration.ofSeconds(10), () -> budgetUsed() >= 4 * 45_000,
                () -> "the partial bodies are paid for: " + budgetUsed());
        slow.add(partialBody(40_000));
        String shed = statusLine(slow.get(0));
        assertTrue(shed != null && shed.startsWith("HTTP/1.1 503"), "the largest holder got 503, got: " + shed);
        assertTrue(closedByBridge(slow.get(0)), "and lost its connection");
        assertEquals(1.0, bus.metrics.loadShed.labelValues("memory_budget").get());
        HttpResponse<String> ok = notifySmall();
        assertEquals("2000", ok.headers().firstValue("X-M2M-RSC").orElse(null), ok.body());
        assertEquals(1, device.received.size(), "the small notification reached the device");
    }

    private long budgetUsed() {
        return budget.used();
    }
}
