package org.m2mbridge.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.testing.RefusingPort;

/** The scripted WS AE against a test WebSocket front over a DemoCse (the real bridge is exercised elsewhere). */
@Timeout(60)
class DemoAeTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private DemoCse cse;
    private TestWsFront front;

    @BeforeEach
    void start() {
        cse = new DemoCse();
        front = new TestWsFront(cse);
    }

    @AfterEach
    void stop() {
        front.close();
        cse.close();
    }

    @Test
    void runsTheWholeScriptAndGetsTheNotificationOnItsOwnSocket() throws Exception {
        DemoAeResult r = new DemoAe(DemoAe.Options.defaults(), lines::add).run(front.url());
        assertTrue(r.success(), String.join("\n", lines));
        assertEquals(2001, r.rscOf("CREATE <AE>"));
        assertEquals(2001, r.rscOf("CREATE <container>"));
        assertEquals(2001, r.rscOf("CREATE <subscription>"));
        assertEquals(2001, r.rscOf("CREATE <contentInstance>"));
        assertEquals(2002, r.rscOf("DELETE <AE>"));
        assertEquals("Cdemo-ae", r.aei().orElseThrow());
        assertEquals("21.5", r.notification().orElseThrow().path("nev").path("rep").path("m2m:cin").path("con").asText());
        assertEquals(1, r.verificationAnswered());
        assertEquals(List.of(2000), front.verificationAnswers);
        assertTrue(lines.contains("demo-ae: CREATE <AE> -> 2001 (aei=Cdemo-ae)"), String.join("\n", lines));
        assertTrue(lines.contains("demo-ae: notification received on my own WebSocket: m2m:cin con=21.5"),
                String.join("\n", lines));

        // deregistered, so the same script runs again
        assertTrue(new DemoAe(DemoAe.Options.defaults(), lines::add).run(front.url()).success());
    }

    @Test
    void usesTheAssignedAeIdWhenItAsksForOne() throws Exception {
        DemoAeResult r = new DemoAe(DemoAe.Options.defaults().withOriginator("C"), lines::add).run(front.url());
        assertTrue(r.success(), String.join("\n", lines));
        assertTrue(r.aei().orElseThrow().startsWith("C") && r.aei().orElseThrow().length() > 1);
    }

    @Test
    void reportsAFailedStepInsteadOfThrowing() throws Exception {
        // registered twice without deregistering: the second registration gets 4117 and the script stops there
        DemoAe.Options keep = new DemoAe.Options("Ckeep", "Nkeep", "keep", "cse-in", "1", Duration.ofSeconds(5), false);
        assertTrue(new DemoAe(keep, lines::add).run(front.url()).success());
        DemoAeResult again = new DemoAe(keep, lines::add).run(front.url());
        assertFalse(again.success());
        assertEquals(4117, again.rscOf("CREATE <AE>"));
        assertEquals(1, again.steps().size());
    }

    @Test
    void reportsAnUnreachableUrl() throws Exception {
        DemoAeResult r;
        try (RefusingPort refusing = new RefusingPort()) {
            r = new DemoAe(DemoAe.Options.defaults(), lines::add).run(URI.create("ws://127.0.0.1:" + refusing.port()));
        }
        assertFalse(r.success());
        assertTrue(r.steps().isEmpty());
        assertTrue(lines.get(0).startsWith("demo-ae: cannot connect"), lines.get(0));
    }
}
