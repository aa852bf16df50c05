package org.m2mbridge.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.systemtests.CseHttpClient.Answer;

/**
 * Opt-in live test against real peers (issue 15; README "Live tests against real peers"): a real ACME IN-CSE over
 * HTTP behind the bridge (a child JVM), a real ACME MN-CSE whose registrar is the bridge's ws:// listener, and
 * optionally a real nCube-Thyme AE. Skipped unless {@code M2M_ACME_HOME} names an ACME checkout that
 * {@code scripts/peers/acme.sh check} can run. The steps run in order; each is one assertion with what the peers
 * and the bridge said; a step that needs the MN registered fails with that reason when it is not.
 *
 * <p>ACME's MN opens a new WebSocket for each of its requests and closes it after the answer, so the IN reaches
 * it only while one of the MN's requests is open: the MN checks its registration every 2 s ({@code acme.sh}), and
 * the bridge holds a request for an unconnected entity for {@code store.holdFor} = 6 s, under ACME's 10 s request
 * timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class AcmeGatewayLiveIT {
    static final String ACME_HOME = "M2M_ACME_HOME";
    static final String THYME_HOME = "M2M_THYME_HOME";
    /** YAML members added to {@code listeners.ws}, e.g. the peer-dialect settings a Thyme needs. */
    static final String WS_LISTENER_EXTRA = "M2M_LIVE_WS_LISTENER_EXTRA";
    private static final Duration REGISTRATION_WAIT = Duration.ofSeconds(60);
    private static final Duration NOTIFICATION_WAIT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(500);

    @RegisterExtension
    final StepReport report = new StepReport();

    private final String nonce = Long.toString(System.currentTimeMillis() % 60_466_176L, 36);
    /** The WS AE of the subscription step: the MN's ACP must name it before it exists. */
    private final String subscriberRn = "liveSub" + nonce;
    private final HttpClient wsClient = HttpClient.newHttpClient();
    private Path acmeHome;
    private Path work;
    private AcmePeer in;
    private AcmePeer mn;
    private BridgeProcess bridge;
    private PeerLog access;
    private CseHttpClient atIn;
    private CseHttpClient atMn;
    private boolean mnRegistered;
    /** The MN's poa as the IN has it (the bridge's notification URL for the MN), read in step 2. */
    private String mnPoa;
    private String mnAe;

    @BeforeAll
    void startPeers() throws IOException {
        String home = System.getenv(ACME_HOME);
        assumeTrue(home != null && !home.isBlank(), ACME_HOME + " is not set: this opt-in test needs an "
                + "ACME-oneM2M-CSE checkout (README: Live tests against real peers)");
        acmeHome = Path.of(home);
        StringBuilder reason = new StringBuilder();
        Optional<String> versions = AcmePeer.check(acmeHome, reason);
        assumeTrue(versions.isPresent(), () -> ACME_HOME + "=" + home + " cannot run here: " + reason);
        work = Files.createTempDirectory("acme-live-");
        System.out.printf("LIVE run %s, %s, work directory %s%n", Instant.now(), versions.get(), work);

        in = AcmePeer.in(acmeHome, work);
        Path accessLog = work.resolve("bridge-access.log");
        access = new PeerLog(() -> accessLog, 5_000);
        bridge = BridgeProcess.start(writeBridgeConfig(), List.of("-Dlogback.configurationFile="
                + writeLogback(accessLog)));
        mn = AcmePeer.mn(acmeHome, work, bridge.listener("ws"));
        atIn = new CseHttpClient(in.base(), Duration.ofSeconds(20));
        atMn = new CseHttpClient(mn.base(), Duration.ofSeconds(20));
    }

    @AfterAll
    void stopPeers() {
        for (AutoCloseable c : new AutoCloseable[] {mn, bridge, in}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                System.out.println("LIVE cleanup: " + e);
            }
        }
        report.print();
        if (work != null && report.allPassed()) {
            deleteTree(work); // kept otherwise: the peers' logs, the bridge's access log and configuration
        } else if (work != null) {
            System.out.println("LIVE logs kept in " + work);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("LIVE cleanup of " + root + ": " + e);
        }
    }

    @Test
    @Order(1)
    @DisplayName("1 WS AE -> bridge -> ACME IN: register, container, subscription, notification on its own socket")
    void aeOverWebSocketToTheIn() throws Exception {
        String rn = "liveAe" + nonce;
        try (WsDevice ae = WsDevice.connect(wsClient, bridge.listener("ws"), "C" + rn)) {
            assertEquals(2001, ae.registerAe(rn), () -> "CREATE <AE> " + rn + "; bridge: " + accessFor("C" + rn));
            assertRsc(2001, ae.request(request(1, "cse-in/" + rn, 3, "{\"m2m:cnt\":{\"rn\":\"data\"}}")),
                    "CREATE <container>");
            assertRsc(2001, ae.request(request(1, "cse-in/" + rn + "/data", 23,
                    "{\"m2m:sub\":{\"rn\":\"sub\",\"nu\":[\"C" + rn + "\"],\"enc\":{\"net\":[3]}}}")),
                    "CREATE <subscription> nu=[C" + rn + "]");
            String con = "ae-" + nonce;
            assertRsc(2001, ae.request(request(1, "cse-in/" + rn + "/data", 4,
                    "{\"m2m:cin\":{\"con\":\"" + con + "\"}}")), "CREATE <contentInstance>");
            awaitNotification(ae, con, "the IN's notification for con=" + con);
            assertRsc(2002, ae.request(WsDevice.primitive(4, "cse-in/" + rn)), "DELETE <AE>");
        }
    }

    @Test
    @Order(2)
    @DisplayName("2 ACME MN registers through the bridge (upgrade with X-M2M-Origin, DELETE of its stale <remoteCSE>, "
            + "CREATE <remoteCSE>): its <remoteCSE> appears at the IN with the bridge's poa")
    void mnRegistersThroughTheBridge() {
        Answer[] last = new Answer[1];
        Await.until(REGISTRATION_WAIT, POLL, () -> {
            last[0] = atIn.retrieve("/~/id-in/cse-in/id-mn", "CAdmin");
            return last[0].rsc() == 2000;
        }, () -> "the MN's <remoteCSE> /id-in/cse-in/id-mn at the IN (last answer " + last[0] + ");\nbridge:\n"
                + accessFor("/id-mn") + "\nMN:\n" + mn.log.excerpt(6, "RemoteCSEManager.py", "ERROR"));
        mnRegistered = true;
        mnPoa = last[0].pc().path("m2m:csr").path("poa").path(0).asText(null);
        String notificationUrl = bridge.listener("http").resolve("/notify/").toString();
        JsonNode poa = last[0].pc().path("m2m:csr").path("poa");
        assertTrue(StreamSupport.stream(poa.spliterator(), false).anyMatch(p -> p.asText().startsWith(
                notificationUrl)), () -> "the <remoteCSE>'s poa is the bridge's " + notificationUrl + "...: " + poa);
    }

    @Test
    @Order(3)
    @DisplayName("3 an AE created at the MN with at=[/id-in] is announced to the IN (CREATE <AEAnnc> through the bridge)")
    void mnAnnouncesAnAeToTheIn() {
        requireMnRegistered();
        String rn = "liveAnnc" + nonce;
        Answer ae = atMn.create("/cse-mn", "C" + rn, 2, "{\"m2m:ae\":{\"rn\":\"" + rn
                + "\",\"api\":\"Nlive\",\"rr\":false,\"srv\":[\"3\"],\"at\":[\"/id-in\"]}}");
        assertEquals(2001, ae.rsc(), () -> "CREATE <AE> with at=[/id-in] at the MN: " + ae);
        Optional<String> announced = StreamSupport.stream(ae.pc().path("m2m:ae").path("at").spliterator(), false)
                .map(JsonNode::asText).filter(a -> a.startsWith("/id-in/")).findFirst();
        assertTrue(announced.isPresent(), () -> "the MN's answer names the announced resource at the IN: " + ae
                + "\nbridge: " + access.excerpt(4, "ty=10002", "ty=10005"));
        Answer annc = atIn.retrieve("/~" + announced.get(), "CAdmin");
        assertEquals(2000, annc.rsc(), () -> "RETRIEVE " + announced.get() + " at the IN: " + annc);
        assertTrue(annc.pc().has("m2m:aeA"), () -> "an <AEAnnc>: " + annc);
    }

    @Test
    @Order(4)
    @DisplayName("4 IN RETRIEVE /id-mn/cse-mn/<ae> and .../<container>: ACME IN forwards to the MN's poa "
            + "(the bridge's notification URL + /~/id-mn/cse-mn/...), the bridge to the MN's socket")
    void inRetrievesMnResourcesThroughTheBridge() {
        requireMnRegistered();
        String ae = mnAe();
        Answer got = atIn.retrieve("/~/id-mn/cse-mn/" + ae, "CAdmin");
        assertEquals(2000, got.rsc(), () -> "RETRIEVE /id-mn/cse-mn/" + ae + " at the IN: " + got + inToMn());
        assertEquals(ae, got.pc().path("m2m:ae").path("rn").asText(), () -> "the MN's <AE>: " + got);
        Answer cnt = atIn.retrieve("/~/id-mn/cse-mn/" + ae + "/data", "CAdmin");
        assertEquals(2000, cnt.rsc(), () -> "RETRIEVE /id-mn/cse-mn/" + ae + "/data at the IN: " + cnt + inToMn());
        assertEquals("data", cnt.pc().path("m2m:cnt").path("rn").asText(), () -> "the MN's <container>: " + cnt);
    }

    @Test
    @Order(5)
    @DisplayName("5 a CSE addresses the MN in absolute form at its poa: GET <poa>/_/acme.example.com/id-mn/cse-mn/<ae> "
            + "(ACME's IN itself does not forward a target with its own SP-ID, so the test sends what it would)")
    void absoluteTargetAtTheMnsPoa() {
        requireMnRegistered();
        String ae = mnAe();
        assertTrue(mnPoa != null, "precondition: the MN's poa at the IN was read in step 2");
        String url = mnPoa.replaceAll("/+$", "") + "/_/acme.example.com/id-mn/cse-mn/" + ae;
        Answer got = atIn.retrieve(url, "/id-in/CAdmin");
        assertEquals(2000, got.rsc(), () -> "GET " + url + " as /id-in/CAdmin: " + got + inToMn());
        assertEquals(ae, got.pc().path("m2m:ae").path("rn").asText(), () -> "the MN's <AE>: " + got);
    }

    @Test
    @Order(6)
    @DisplayName("6 a WS AE subscribes (through the bridge and the IN) to a container of the MN; the MN's "
            + "notification reaches it through the bridge, the IN and the bridge again")
    void subscriptionOnAnMnContainerNotifiesThroughTheBridge() throws Exception {
        requireMnRegistered();
        String ae = mnAe();
        String rn = subscriberRn;
        try (WsDevice subscriber = WsDevice.connect(wsClient, bridge.listener("ws"), "C" + rn)) {
            assertEquals(2001, subscriber.registerAe(rn), () -> "CREATE <AE> " + rn + "; bridge: " + accessFor("C" + rn));
            // ACME delivers a NOTIFY to an AE only from originators its ACP grants (here the MN)
            JsonNode acp = subscriber.request(request(1, "cse-in/" + rn, 1, "{\"m2m:acp\":{\"rn\":\"acpMn\","
                    + "\"pv\":{\"acr\":[{\"acor\":[\"/id-mn\",\"C" + rn + "\"],\"acop\":63}]},"
                    + "\"pvs\":{\"acr\":[{\"acor\":[\"C" + rn + "\"],\"acop\":63}]}}}"));
            assertRsc(2001, acp, "CREATE <ACP> granting /id-mn");
            ObjectNode acpi = WsDevice.primitive(3, "cse-in/" + rn);
            acpi.putObject("pc").putObject("m2m:ae").putArray("acpi")
                    .add(acp.path("pc").path("m2m:acp").path("ri").asText());
            assertRsc(2004, subscriber.request(acpi), "UPDATE <AE> acpi");
            String target = "/id-mn/cse-mn/" + ae + "/data";
            JsonNode sub = subscriber.request(request(1, target, 23, "{\"m2m:sub\":{\"rn\":\"sub" + rn
                    + "\",\"nu\":[\"/id-in/C" + rn + "\"],\"enc\":{\"net\":[3]}}}"));
            assertEquals(2001, sub.path("rsc").asInt(), () -> "CREATE <subscription> on " + target + " (AE -> bridge "
                    + "-> IN -> bridge -> MN): " + sub + inToMn());
            String con = "mn-" + nonce;
            Answer cin = atMn.create("/cse-mn/" + ae + "/data", "C" + ae, 4, "{\"m2m:cin\":{\"con\":\"" + con
                    + "\"}}");
            assertEquals(2001, cin.rsc(), () -> "CREATE <contentInstance> at the MN: " + cin);
            awaitNotification(subscriber, con, "the MN's notification for con=" + con + " (MN -> bridge -> IN "
                    + "-> bridge -> AE)");
            subscriber.request(WsDevice.primitive(4, "cse-in/" + rn));
        }
    }

    @Test
    @Order(7)
    @DisplayName("7 nCube-Thyme (optional, M2M_THYME_HOME) over WS through the bridge to the ACME IN: AE, "
            + "container, subscription")
    void thymeRegistersThroughTheBridge() {
        String home = System.getenv(THYME_HOME);
        assumeTrue(home != null && !home.isBlank(), THYME_HOME + " is not set (an nCube-Thyme-Nodejs checkout "
                + "after npm install)");
        StringBuilder reason = new StringBuilder();
        assumeTrue(ThymePeer.usable(Path.of(home), reason), reason::toString);
        String rn = "thyme" + nonce;
        String base = "/cse-in/" + rn;
        ThymePeer thyme = null;
        try {
            for (int attempt = 1; attempt <= 3; attempt++) {
                ThymePeer t = ThymePeer.start(Path.of(home), work.resolve("thyme-" + attempt),
                        bridge.listener("ws"), "cse-in", "/id-in", rn);
                thyme = t;
                // done: its subscription exists, it died, or the CSE refused one of its steps (Thyme then stalls)
                Await.until(Duration.ofSeconds(30), POLL, () -> !t.alive()
                        || t.output().matches("(?s).*x-m2m-rsc : [45]\\d{3}.*")
                        || atIn.retrieve(base + "/led/sub1", "CAdmin").rsc() == 2000,
                        () -> "Thyme's subscription " + base + "/led/sub1, or a refusal; Thyme:\n" + thymeSays(t));
                if (!t.diedOfItsStartRace()) {
                    break;
                }
                t.close();
            }
            ThymePeer t = thyme;
            for (String path : List.of(base, base + "/led", base + "/led/sub1")) {
                Answer a = atIn.retrieve(path, "CAdmin");
                assertEquals(2000, a.rsc(), () -> "Thyme's " + path + " at the IN: " + a + "\nThyme:\n"
                        + thymeSays(t) + "\nbridge:\n" + accessFor("C" + rn));
            }
        } finally {
            if (thyme != null) {
                thyme.close();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    private void requireMnRegistered() {
        if (!mnRegistered && atIn.retrieve("/~/id-in/cse-in/id-mn", "CAdmin").rsc() != 2000) {
            fail("precondition: the MN is not registered at the IN through the bridge (step 2), so this step "
                    + "cannot run; bridge:\n" + accessFor("/id-mn"));
        }
        mnRegistered = true;
    }

    /**
     * An AE at the MN (created over the MN's own HTTP, as a device local to the MN would) with a container
     * {@code data}, and an ACP that lets the IN's admin and the subscription step's AE reach both.
     */
    private String mnAe() {
        if (mnAe != null) {
            return mnAe;
        }
        String rn = "liveMn" + nonce;
        String fr = "C" + rn;
        Answer ae = atMn.create("/cse-mn", fr, 2, "{\"m2m:ae\":{\"rn\":\"" + rn
                + "\",\"api\":\"Nlive\",\"rr\":false,\"srv\":[\"3\"]}}");
        assertEquals(2001, ae.rsc(), () -> "CREATE <AE> at the MN: " + ae);
        Answer acp = atMn.create("/cse-mn/" + rn, fr, 1, "{\"m2m:acp\":{\"rn\":\"acpIn\",\"pv\":{\"acr\":[{\"acor\":[\""
                + fr + "\",\"/id-in/CAdmin\",\"/id-in/C" + subscriberRn + "\"],\"acop\":63}]},"
                + "\"pvs\":{\"acr\":[{\"acor\":[\"" + fr + "\"],\"acop\":63}]}}}");
        assertEquals(2001, acp.rsc(), () -> "CREATE <ACP> at the MN: " + acp);
        String acpRi = acp.pc().path("m2m:acp").path("ri").asText();
        Answer acpi = atMn.update("/cse-mn/" + rn, fr, "{\"m2m:ae\":{\"acpi\":[\"" + acpRi + "\"]}}");
        assertEquals(2004, acpi.rsc(), () -> "UPDATE <AE> acpi at the MN: " + acpi);
        Answer cnt = atMn.create("/cse-mn/" + rn, fr, 3, "{\"m2m:cnt\":{\"rn\":\"data\",\"acpi\":[\"" + acpRi + "\"]}}");
        assertEquals(2001, cnt.rsc(), () -> "CREATE <container> at the MN: " + cnt);
        mnAe = rn;
        return rn;
    }

    /** Answers every request the bridge pushes down with 2000 until a NOTIFY carrying {@code con} arrives. */
    private void awaitNotification(WsDevice device, String con, String what) throws InterruptedException {
        List<String> others = new ArrayList<>();
        long until = System.nanoTime() + NOTIFICATION_WAIT.toNanos();
        while (System.nanoTime() < until) {
            JsonNode pushed = device.nextPushed(Duration.ofNanos(Math.max(1, until - System.nanoTime())));
            if (pushed == null) {
                break;
            }
            device.answer(pushed, 2000);
            if (pushed.path("op").asInt() == 5 && con.equals(pushed.path("pc").path("m2m:sgn").path("nev")
                    .path("rep").path("m2m:cin").path("con").asText())) {
                return;
            }
            others.add(pushed.toString());
        }
        fail("no " + what + " on the socket of " + device.originator() + " within " + NOTIFICATION_WAIT
                + "; other requests pushed: " + others + "\nbridge:\n" + access.excerpt(8, "op=notify"));
    }

    private String inToMn() {
        return "\nbridge (IN -> MN):\n" + access.excerpt(4, "side=up fr=/id-in") + "\nMN:\n"
                + mn.log.excerpt(3, "Error dissecting", "WARNING");
    }

    private String accessFor(String originator) {
        return access.excerpt(6, "fr=" + originator + " ");
    }

    private static String thymeSays(ThymePeer thyme) {
        return String.join("\n", thyme.output().lines()
                .filter(l -> l.contains("x-m2m-rsc") || l.contains("m2m:dbg") || l.contains("Error")
                        || l.contains("---->"))
                .limit(12).toList());
    }

    private static ObjectNode request(int op, String to, int ty, String pc) throws IOException {
        ObjectNode r = WsDevice.primitive(op, to).put("ty", ty);
        r.set("pc", WsDevice.JSON.readTree(pc));
        return r;
    }

    private static void assertRsc(int expected, JsonNode response, String what) {
        assertEquals(expected, response.path("rsc").asInt(), () -> what + ": " + response);
    }

    private Path writeBridgeConfig() throws IOException {
        String extra = Optional.ofNullable(System.getenv(WS_LISTENER_EXTRA)).filter(s -> !s.isBlank())
                .map(s -> ", " + s).orElse("");
        return Files.writeString(work.resolve("bridge.yaml"), """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0%s }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: acme-in, binding: http, url: "%s", cseId: /id-in, spId: "//acme.example.com" }
                routes: { default: acme-in }
                store: { durable: false, holdFor: 6s }
                timeouts: { shutdownGrace: 1s }
                """.formatted(extra, in.base()));
    }

    /** The bridge's access log to a file of this run (the test class path's logback config logs WARN only). */
    private Path writeLogback(Path accessLog) throws IOException {
        return Files.writeString(work.resolve("bridge-logback.xml"), """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%%d{HH:mm:ss.SSS} %%-5level [%%thread] %%logger{36} - %%msg%%n</pattern></encoder>
                  </appender>
                  <appender name="ACCESS" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>%%msg%%n</pattern></encoder>
                  </appender>
                  <logger name="m2mbridge.access" level="INFO" additivity="false"><appender-ref ref="ACCESS"/></logger>
                  <logger name="org.m2mbridge" level="INFO"/>
                  <root level="WARN"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """.formatted(accessLog));
    }

    /** Prints one line per step (PASS / FAIL with the first line of the reason / SKIPPED), for the README's table. */
    static final class StepReport implements TestWatcher {
        private final Map<String, String> results = new ConcurrentHashMap<>();

        @Override
        public void testSuccessful(ExtensionContext context) {
            record(context, "PASS");
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            record(context, "FAIL: " + String.valueOf(cause.getMessage()).lines().findFirst().orElse(""));
        }

        @Override
        public void testAborted(ExtensionContext context, Throwable cause) {
            record(context, "SKIPPED: " + cause.getMessage());
        }

        private void record(ExtensionContext context, String result) {
            String line = "LIVE STEP " + context.getDisplayName() + " => " + result;
            results.put(context.getDisplayName(), line);
            System.out.println(line);
        }

        boolean allPassed() {
            return !results.isEmpty() && results.values().stream().noneMatch(r -> r.contains("=> FAIL"));
        }

        void print() {
            results.keySet().stream().sorted().forEach(k -> System.out.println(results.get(k)));
        }
    }
}
