package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.testing.ScriptedUpstream;

/**
 * Each branch of {@link RegistrationExchange}, with no bus and no sockets: which requests touch the registry
 * ({@code of}), how they are rewritten, and what each answer does to the registrations ({@code complete}).
 */
class RegistrationExchangeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OWN_POA = "http://10.0.0.9:7000";
    private static final String ET = "20991231T235959";
    /** Cae1 registered through upstream "in" as resource ae1, with its own poa kept. */
    private static final Registration CAE1 = new Registration("Cae1", Registration.Kind.AE, "in", "tok1", "ae1",
            "Cae1", List.of(OWN_POA), Instant.parse("2026-01-01T00:00:00Z"), 42, null);

    private final LocalEntityDirectory directory = new LocalEntityDirectory(new InMemoryEntityRegistry());
    private final ScriptedUpstream in = new ScriptedUpstream("in", "/id-in");
    private final Recorded outcome = new Recorded();

    /** What the exchange reported, one line each. */
    private static final class Recorded implements RegistrationExchange.Outcome {
        final List<String> events = new ArrayList<>();
        final List<Registration> registrations = new ArrayList<>();

        @Override
        public void registered(Registration registration, Ingress ingress) {
            registrations.add(registration);
            events.add("registered " + registration.entityId() + " " + registration.kind());
        }

        @Override
        public void updated(Registration registration) {
            registrations.add(registration);
            events.add("updated " + registration.entityId());
        }

        @Override
        public void deregistered(Registration registration, RegistrationEnd why) {
            registrations.add(registration);
            events.add("deregistered " + registration.entityId() + " " + why);
        }
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static RequestPrimitive request(Operation op, String fr, String to, Integer ty, String pc) {
        return RequestPrimitive.builder().op(op).fr(fr).to(to).ty(ty).rqi("r1").rvi("3")
                .pc(pc == null ? null : json(pc)).build();
    }

    private static RequestPrimitive createAe(String fr) {
        return request(Operation.CREATE, fr, "/id-in", 2,
                "{\"m2m:ae\":{\"rn\":\"ae1\",\"api\":\"Nae1\",\"rr\":true,\"poa\":[\"" + OWN_POA + "\"]}}");
    }

    private RegistrationExchange of(RequestPrimitive request, Upstream upstream) {
        return RegistrationExchange.of(request, Ingress.upstream("test", "t"), upstream, directory);
    }

    // ---- of: which requests touch the registry ---------------------------------------------------------------

    static Stream<Arguments> untouched() {
        return Stream.of(
                Arguments.of("a RETRIEVE by an unregistered originator", "Cother", Operation.RETRIEVE, "Cae1", "in"),
                Arguments.of("a RETRIEVE of another resource", "Cae1", Operation.RETRIEVE, "cnt1", "in"),
                Arguments.of("a RETRIEVE of its resource through another upstream", "Cae1", Operation.RETRIEVE,
                        "Cae1", "other"),
                Arguments.of("a NOTIFY to its resource", "Cae1", Operation.NOTIFY, "Cae1", "in"),
                Arguments.of("a CREATE below its resource", "Cae1", Operation.CREATE, "Cae1", "in"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("untouched")
    void requestsThatDoNotTouchTheRegistryHaveNoExchange(String why, String fr, Operation op, String to,
                                                        String upstream) {
        directory.register(CAE1);
        Integer ty = op == Operation.CREATE ? 3 : null; // a <container>: not a registration
        assertNull(of(request(op, fr, to, ty, null), new ScriptedUpstream(upstream, "/id-" + upstream)), why);
    }

    static Stream<Arguments> touched() {
        return Stream.of(
                Arguments.of(Operation.RETRIEVE, null, false),
                Arguments.of(Operation.DELETE, null, false),
                Arguments.of(Operation.UPDATE, "{\"m2m:ae\":{\"lbl\":[\"x\"]}}", false),
                Arguments.of(Operation.UPDATE, "{\"m2m:ae\":{\"poa\":[\"http://10.0.0.9:7001\"]}}", true));
    }

    @ParameterizedTest(name = "{0} of its own resource, pc {1}: rewritten {2}")
    @MethodSource("touched")
    void anEntitysRequestsForItsOwnResourceHaveAnExchange(Operation op, String pc, boolean rewritten) {
        directory.register(CAE1);
        RequestPrimitive r = request(op, "Cae1", "Cae1", null, pc);
        RegistrationExchange x = of(r, in);
        assertNotNull(x);
        if (rewritten) {
            assertEquals(List.of("http://bridge.test/notify/tok1"),
                    PointOfAccessRewrite.poaOf(x.rewrittenRequest().pc()), "the bridge's poa, same token");
        } else {
            assertSame(r, x.rewrittenRequest());
        }
    }

    @Test
    void aNewRegistrationAnnouncesTheBridgeWithAFreshToken() {
        RegistrationExchange x = of(createAe("Cnew"), in);
        List<String> poa = PointOfAccessRewrite.poaOf(x.rewrittenRequest().pc());
        assertEquals(1, poa.size());
        assertTrue(poa.get(0).startsWith("http://bridge.test/notify/"), poa.toString());
        assertNotEquals("http://bridge.test/notify/tok1", poa.get(0));
    }

    @Test
    void registeringAgainKeepsTheEntitysToken() {
        directory.register(CAE1);
        RegistrationExchange x = of(createAe("Cae1"), in);
        assertEquals(List.of("http://bridge.test/notify/tok1"), PointOfAccessRewrite.poaOf(x.rewrittenRequest().pc()));
    }

    @Test
    void anUpstreamWithNoPointOfAccessGetsNoPoaAtAll() {
        ScriptedUpstream ws = new ScriptedUpstream("in", "/id-in") {
            @Override
            public List<String> pointOfAccess(String token, String entityId) {
                return List.of(); // reaches the entity over the bridge's own connection (TS-0020 6.2)
            }
        };
        RegistrationExchange x = of(createAe("Cnew"), ws);
        assertTrue(x.rewrittenRequest().pc().get("m2m:ae").has("api"));
        assertTrue(PointOfAccessRewrite.poaOf(x.rewrittenRequest().pc()).isEmpty());
        assertFalse(PointOfAccessRewrite.hasPoa(x.rewrittenRequest().pc()), "the entity's own poa is not passed on");
    }

    @Test
    void aRegistrationWithoutContentIsSentAsItIs() {
        RequestPrimitive bare = request(Operation.CREATE, "Cnew", "/id-in", 2, null);
        assertSame(bare, of(bare, in).rewrittenRequest());
    }

    // ---- complete: what each answer does ---------------------------------------------------------------------

    static Stream<Arguments> answersToACreate() {
        return Stream.of(
                Arguments.of("Cae1", 2, 2001, "{\"m2m:ae\":{\"aei\":\"Cassigned\",\"rn\":\"ae1\",\"ri\":\"ri1\"}}",
                        "registered Cassigned AE"),
                Arguments.of("Cae1", 2, 2001, "{\"m2m:ae\":{\"rn\":\"ae1\"}}", "registered Cae1 AE"),
                Arguments.of("C", 2, 2001, null, "registered Cto AE"),
                Arguments.of("/id-mn", 16, 2001, "{\"m2m:csr\":{\"csi\":\"/id-mn\",\"rn\":\"mn\"}}",
                        "registered /id-mn CSE"),
                Arguments.of("Cae1", 2, 4105, null, "nothing"),
                Arguments.of("Cae1", 2, 2000, null, "nothing"));
    }

    @ParameterizedTest(name = "fr {0} ty {1} answered {2} {3}: {4}")
    @MethodSource("answersToACreate")
    void answersToARegistration(String fr, int ty, int rsc, String pc, String expected) {
        String root = ty == 16 ? "m2m:csr" : "m2m:ae";
        RequestPrimitive create = request(Operation.CREATE, fr, "/id-in", ty,
                "{\"" + root + "\":{\"rn\":\"x\",\"poa\":[\"" + OWN_POA + "\"]}}");
        RegistrationExchange x = of(create, in);
        ResponsePrimitive answer = ResponsePrimitive.builder(rsc, "r1").to("Cto").pc(pc == null ? null : json(pc))
                .build();
        x.complete(answer, outcome);
        assertEquals(expected.equals("nothing") ? List.of() : List.of(expected), outcome.events);
        if (!outcome.registrations.isEmpty()) {
            Registration r = outcome.registrations.get(0);
            assertEquals("in", r.upstream());
            assertEquals(List.of(OWN_POA), r.originalPoa(), "the entity's own poa is kept");
            assertNotEquals(0, r.incarnation(), "each registration is a new incarnation");
        }
    }

    @Test
    void aCreateWithoutAnEntityIdIsNotRegistered() {
        RegistrationExchange x = of(request(Operation.CREATE, "C", "/id-in", 2, "{\"m2m:ae\":{\"rn\":\"x\"}}"), in);
        x.complete(ResponsePrimitive.builder(2001, "r1").build(), outcome);
        assertEquals(List.of(), outcome.events);
    }

    @Test
    void theEntitySeesItsOwnPoaInTheAnswer() {
        RegistrationExchange x = of(createAe("Cae1"), in);
        ResponsePrimitive fromCse = ResponsePrimitive.builder(2001, "r1").pc(json(
                "{\"m2m:ae\":{\"aei\":\"Cae1\",\"rn\":\"ae1\",\"rr\":true,\"poa\":[\"http://bridge.test/notify/t\"]}}"))
                .build();
        ResponsePrimitive seen = x.complete(fromCse, outcome);
        assertEquals(List.of(OWN_POA), PointOfAccessRewrite.poaOf(seen.pc()));
    }

    static Stream<Arguments> answersForTheResource() {
        String withEt = "{\"m2m:ae\":{\"et\":\"" + ET + "\"}}";
        String poa = "{\"m2m:ae\":{\"poa\":[\"http://10.0.0.9:7001\"]}}";
        return Stream.of(
                Arguments.of(Operation.DELETE, null, 2002, null, "deregistered Cae1 DELETED"),
                Arguments.of(Operation.DELETE, null, 4004, null, "deregistered Cae1 NOT_FOUND"),
                Arguments.of(Operation.RETRIEVE, null, 4004, null, "deregistered Cae1 NOT_FOUND"),
                Arguments.of(Operation.UPDATE, poa, 4004, null, "deregistered Cae1 NOT_FOUND"),
                Arguments.of(Operation.DELETE, null, 4103, null, "nothing"),
                Arguments.of(Operation.DELETE, null, 2000, null, "nothing"),
                Arguments.of(Operation.RETRIEVE, null, 2000, withEt, "updated Cae1"),
                Arguments.of(Operation.RETRIEVE, null, 2000, null, "nothing"),
                Arguments.of(Operation.RETRIEVE, null, 2004, withEt, "nothing"),
                Arguments.of(Operation.UPDATE, poa, 2004, null, "updated Cae1"),
                Arguments.of(Operation.UPDATE, "{\"m2m:ae\":{\"lbl\":[\"x\"]}}", 2004, null, "nothing"),
                Arguments.of(Operation.UPDATE, "{\"m2m:ae\":{\"et\":\"" + ET + "\"}}", 2004, withEt, "updated Cae1"),
                Arguments.of(Operation.UPDATE, poa, 4000, null, "nothing"));
    }

    @ParameterizedTest(name = "{0} pc {1} answered {2} {3}: {4}")
    @MethodSource("answersForTheResource")
    void answersForTheRegistrationResource(Operation op, String pc, int rsc, String answerPc, String expected) {
        directory.register(CAE1);
        RegistrationExchange x = of(request(op, "Cae1", "Cae1", null, pc), in);
        x.complete(ResponsePrimitive.builder(rsc, "r1").pc(answerPc == null ? null : json(answerPc)).build(),
                outcome);
        assertEquals(expected.equals("nothing") ? List.of() : List.of(expected), outcome.events);
        if (expected.startsWith("deregistered")) {
            assertSame(CAE1, outcome.registrations.get(0), "the registration the request was made for");
        }
        if (expected.startsWith("updated")) {
            Registration now = outcome.registrations.get(0);
            assertEquals(CAE1.incarnation(), now.incarnation(), "an update continues the registration");
            assertEquals(answerPc == null ? null : Deadlines.parseTimestamp(ET).orElseThrow(), now.expiresAt());
            List<String> expectedPoa = pc != null && pc.contains("poa") ? List.of("http://10.0.0.9:7001")
                    : List.of(OWN_POA);
            assertEquals(expectedPoa, now.originalPoa());
        }
    }

    @Test
    void newIncarnationsAreNeverZeroAndTokensDiffer() {
        for (int i = 0; i < 1000; i++) {
            assertNotEquals(0, RegistrationExchange.newIncarnation());
        }
        assertNotEquals(RegistrationExchange.newToken(), RegistrationExchange.newToken());
        assertEquals(20, RegistrationExchange.newToken().length(), "10 random bytes in hex");
    }
}
