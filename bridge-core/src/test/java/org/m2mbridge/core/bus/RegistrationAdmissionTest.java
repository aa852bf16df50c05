package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.m2mbridge.core.bus.RegistrationAdmission.Verdict;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * The registration gate's rule (TS-0020 7.4; TS-0004 7.4.4, 7.4.5) as one table: for AE and CSE originators not
 * registered yet, each operation and target either passes (the registration, or RETRIEVE/DELETE of the own
 * registration resource in every address form) or is refused with a text naming the resource to create.
 */
@Timeout(20)
class RegistrationAdmissionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ScriptedUpstream upstream = new ScriptedUpstream("in-cse", "/id-in");
    private final TestBus t = new TestBus(Duration.ofSeconds(5), upstream);

    @AfterEach
    void close() {
        t.close();
    }

    private static RequestPrimitive request(String op, String fr, String to, Integer ty) {
        RequestPrimitive.Builder b = RequestPrimitive.builder().op(Operation.valueOf(op)).fr(fr.equals("-") ? null : fr)
                .to(to).rqi("g-1").rvi("4");
        if (ty != null) {
            b.ty(ty);
            try {
                b.pc(JSON.readTree(ty == 16 ? "{\"m2m:csr\":{\"csi\":\"" + fr + "\",\"cb\":\"/id-mn/cse-mn\"}}"
                        : ty == 2 ? "{\"m2m:ae\":{\"api\":\"Nx\",\"rr\":true}}" : "{\"m2m:cnt\":{}}"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1} -> {2} {3}: {4}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            # originator not registered yet: an MN-CSE (ACME's sequence: DELETE own CSR, then CREATE it)
            /id-mn                | CREATE   | /id-in/cse-in                       | 16   | REGISTRATION
            /id-mn                | DELETE   | /id-in/cse-in/id-mn                 | null | OWN_REGISTRATION
            /id-mn                | RETRIEVE | /id-in/cse-in/id-mn                 | null | OWN_REGISTRATION
            /id-mn                | DELETE   | //acme.example/id-in/cse-in/id-mn   | null | OWN_REGISTRATION
            /id-mn                | DELETE   | /id-in/id-mn                        | null | OWN_REGISTRATION
            /id-mn                | DELETE   | cse-in/id-mn                        | null | OWN_REGISTRATION
            /id-mn                | RETRIEVE | -/id-mn                             | null | OWN_REGISTRATION
            /id-mn                | RETRIEVE | id-mn                               | null | OWN_REGISTRATION
            //mn.example/id-mn    | DELETE   | //in.example/id-in/cse-in/mn.example_id-mn | null | OWN_REGISTRATION
            //mn.example/id-mn    | RETRIEVE | //in.example/id-in/cse-in/id-mn     | null | OWN_REGISTRATION
            /id-mn                | RETRIEVE | /id-in/cse-in                       | null | REFUSED
            /id-mn                | RETRIEVE | /id-mn                              | null | REFUSED
            /id-mn                | RETRIEVE | /id-mn/cse-mn                       | null | REFUSED
            /id-mn                | UPDATE   | /id-in/cse-in/id-mn                 | null | REFUSED
            /id-mn                | DELETE   | /id-in/cse-in/id-other              | null | REFUSED
            /id-mn                | DELETE   | /id-in/cse-in/id-mn/ae1             | null | REFUSED
            /id-mn                | CREATE   | /id-in/cse-in/id-mn                 | 3    | REFUSED
            /id-mn                | NOTIFY   | /id-in/cse-in/id-mn                 | null | REFUSED
            # originator not registered yet: an AE
            Cae1                  | CREATE   | /id-in/cse-in                       | 2    | REGISTRATION
            C                     | CREATE   | cse-in                              | 2    | REGISTRATION
            -                     | CREATE   | cse-in                              | 2    | REGISTRATION
            Cae1                  | RETRIEVE | cse-in/Cae1                         | null | OWN_REGISTRATION
            Cae1                  | DELETE   | /id-in/Cae1                         | null | OWN_REGISTRATION
            Cae1                  | DELETE   | //acme.example/id-in/cse-in/Cae1    | null | OWN_REGISTRATION
            Cae1                  | RETRIEVE | Cae1                                | null | OWN_REGISTRATION
            /id-in/Cae1           | DELETE   | /id-in/cse-in/Cae1                  | null | OWN_REGISTRATION
            Cae1                  | RETRIEVE | cse-in                              | null | REFUSED
            Cae1                  | RETRIEVE | cse-in/Cae2                         | null | REFUSED
            Cae1                  | RETRIEVE | cse-in/Cae1/cnt                     | null | REFUSED
            Cae1                  | UPDATE   | cse-in/Cae1                         | null | REFUSED
            Cae1                  | CREATE   | cse-in/Cae1                         | 3    | REFUSED
            -                     | RETRIEVE | cse-in/Cae1                         | null | REFUSED
            """)
    void whatAnOriginatorNotRegisteredYetMaySend(String fr, String op, String to, Integer ty, Verdict expected) {
        RegistrationAdmission.Decision d = t.bus.admission().decide(request(op, fr, to, ty));
        assertEquals(expected, d.verdict(), d.toString());
        if (expected == Verdict.REFUSED && fr.equals("-")) {
            assertEquals(ResponseStatusCode.BAD_REQUEST, d.refusal());
            assertTrue(d.text().contains("originator (fr) is mandatory"), d.text());
        } else if (expected == Verdict.REFUSED) {
            assertEquals(ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE, d.refusal());
            String resource = fr.startsWith("/id-mn") ? "<remoteCSE>" : "<AE>";
            assertTrue(d.text().contains("register (CREATE " + resource + ") first"), d.text());
            assertTrue(d.text().contains("'" + fr + "'"), d.text());
        }
    }

    @Test
    void aRegisteredCseAndTheIdsBelowItPassAndNameTheEntityTheyReidentify() {
        t.registry.put(new Registration("/id-mn", Registration.Kind.CSE, "in-cse", "tok", "id-mn", "id-mn",
                List.of(), Instant.now()));
        t.registry.put(new Registration("Cae1", Registration.Kind.AE, "in-cse", "tok2", "ae1", "Cae1",
                List.of(), Instant.now()));
        for (String[] c : new String[][] {{"/id-mn", "/id-in/cse-in"}, {"/id-mn/Cmnae", "/id-in/cse-in/pub/open"},
                {"//acme.example/id-mn", "/id-in/cse-in/id-mn"}, {"Cae1", "cse-in/ae1/cnt"}}) {
            RegistrationAdmission.Decision d = t.bus.admission().decide(request("RETRIEVE", c[0], c[1], null));
            assertEquals(Verdict.REGISTERED, d.verdict(), c[0]);
            assertEquals(c[0].startsWith("C") ? "Cae1" : "/id-mn", d.entity().orElseThrow().entityId(), c[0]);
        }
    }

    @Test
    void refusalsAreCountedAndLoggedAtMostOncePerOriginatorAndReasonPerWindow() {
        AtomicLong now = new AtomicLong();
        GateRefusalLog log = new GateRefusalLog(now::get);
        assertTrue(log.refused("/id-mn", "not_registered", "ws-1", 4103, "x"));
        assertFalse(log.refused("/id-mn", "not_registered", "ws-1", 4103, "x"), "same pair inside the window");
        assertTrue(log.refused("/id-mn", "identity", "ws-1", 4103, "x"), "another reason");
        assertTrue(log.refused("Cae1", "not_registered", "ws-2", 4103, "x"), "another originator");
        now.addAndGet(GateRefusalLog.WINDOW.toNanos());
        assertTrue(log.refused("/id-mn", "not_registered", "ws-1", 4103, "x"), "a new window");
        for (int i = 0; i < GateRefusalLog.MAX_KEYS + 10; i++) {
            log.refused("C" + i, "flood", "ws-3", 4103, "x");
        }
        assertFalse(log.refused("Cnew", "flood", "ws-3", 4103, "x"), "beyond the bound originators share one line");

        RequestPrimitive r = request("RETRIEVE", "Cnobody", "cse-in", null);
        ResponsePrimitive answer = t.bus.admission().refused(r, t.bus.admission().decide(r), "ws-9");
        assertEquals(4103, answer.rsc());
        assertEquals("g-1", answer.rqi());
        assertEquals(1.0, t.metrics.rejectedRequests.labelValues("not_registered").get());
    }

    @Test
    void aDeleteOfTheOwnRegistrationAnswered4004Or2002DeregistersAndOnlyThat() throws Exception {
        for (int rsc : new int[] {2002, 4004}) {
            RecordingLink link = new RecordingLink("ws-" + rsc, t.timer, 100);
            RequestPrimitive create = request("CREATE", "/id-mn", "/id-in/cse-in", 16).toBuilder()
                    .pc(JSON.readTree("{\"m2m:csr\":{\"rn\":\"id-mn\",\"csi\":\"/id-mn\",\"cb\":\"/id-mn/cse-mn\","
                            + "\"poa\":[\"http://10.0.0.7:8081\"]}}")).build();
            upstream.answering(r -> java.util.concurrent.CompletableFuture.completedFuture(
                    ScriptedUpstream.acmeLike(r)));
            assertEquals(2001, t.bus.send(create, Ingress.downstream(link)).get(10, TimeUnit.SECONDS).rsc());
            assertTrue(t.registry.byEntityId("/id-mn").isPresent());

            // a 4004 to another resource of the MN changes nothing
            upstream.answering(r -> java.util.concurrent.CompletableFuture.completedFuture(
                    ResponsePrimitive.error(r, ResponseStatusCode.NOT_FOUND, "gone")));
            assertEquals(4004, t.bus.send(request("DELETE", "/id-mn", "/id-in/cse-in/pub", null),
                    Ingress.downstream(link)).get(10, TimeUnit.SECONDS).rsc());
            assertTrue(t.registry.byEntityId("/id-mn").isPresent());

            upstream.answering(r -> java.util.concurrent.CompletableFuture.completedFuture(rsc == 2002
                    ? ScriptedUpstream.acmeLike(r) : ResponsePrimitive.error(r, ResponseStatusCode.NOT_FOUND, "no")));
            assertEquals(rsc, t.bus.send(request("DELETE", "/id-mn", "/id-in/cse-in/id-mn", null),
                    Ingress.downstream(link)).get(10, TimeUnit.SECONDS).rsc());
            assertTrue(t.registry.byEntityId("/id-mn").isEmpty(), "deregistered after " + rsc);
            assertTrue(t.bus.boundLink("/id-mn").isEmpty(), "unbound after " + rsc);
        }
    }
}
