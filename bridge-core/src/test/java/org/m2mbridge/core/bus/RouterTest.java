package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.m2mbridge.core.testing.ScriptedUpstream;

/** Which next hop the {@link Router} picks, with no bus: the {@code to} forms of an entity, and the upstreams. */
class RouterTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final LocalEntityDirectory directory = new LocalEntityDirectory(new InMemoryEntityRegistry());
    private final Upstreams upstreams = new Upstreams();
    private final List<Registration> expired = new ArrayList<>();
    private final Router router = new Router(upstreams, directory, new RouteTable(List.of(), "in"),
            () -> new Deadlines(Duration.ofSeconds(5), Duration.ofSeconds(20), Clock.systemUTC()), expired::add);

    private void register(String entityId, Registration.Kind kind, Instant expiresAt) {
        directory.register(new Registration(entityId, kind, "in", "tok-" + entityId, "rn", entityId, List.of(), T0,
                1, expiresAt));
    }

    static Stream<Arguments> targets() {
        return Stream.of(
                Arguments.of("Cae1", "Cae1"),
                Arguments.of("Cae1/cnt1", "Cae1"),
                Arguments.of("/id-in/Cae1", "Cae1"),
                Arguments.of("/id-in/Cae1/cnt1", "Cae1"),
                Arguments.of("//sp.example/id-in/Cae1", "Cae1"),
                Arguments.of("/id-mn", "/id-mn"),
                Arguments.of("/id-mn/cse-mn/ae1", "/id-mn"),
                Arguments.of("//sp.example/id-mn/cse-mn", "/id-mn"),
                Arguments.of("Cother", null),
                Arguments.of("/id-in/Cother", null),
                Arguments.of("//sp.example", null),
                Arguments.of("", null),
                Arguments.of(null, null));
    }

    @ParameterizedTest(name = "to {0}: entity {1}")
    @MethodSource("targets")
    void theEntityATargetAddresses(String to, String entityId) {
        register("Cae1", Registration.Kind.AE, null);
        register("/id-mn", Registration.Kind.CSE, null);
        assertEquals(Optional.ofNullable(entityId), router.findEntity(to).map(Registration::entityId));
        assertTrue(expired.isEmpty());
    }

    @Test
    void anExpiredRegistrationIsNotFoundAndReportedToBeEnded() {
        register("Cold", Registration.Kind.AE, Instant.now().minusSeconds(1));
        register("Cnew", Registration.Kind.AE, Instant.now().plusSeconds(3600));
        assertTrue(router.findEntity("Cold").isEmpty());
        assertEquals(List.of("Cold"), expired.stream().map(Registration::entityId).toList());
        assertEquals("Cnew", router.findEntity("/id-in/Cnew").orElseThrow().entityId());
        assertEquals(1, expired.size());
    }

    @Test
    void aPointOfAccessNamesItsEntityEvenWhenExpired() {
        register("Cold", Registration.Kind.AE, Instant.now().minusSeconds(1));
        assertEquals("Cold", router.entity("Cold").orElseThrow().entityId(), "the next hop, looked up as it is");
        assertTrue(router.entity("Cother").isEmpty());
    }

    @Test
    void theUpstreamARouteNames() {
        ScriptedUpstream in = new ScriptedUpstream("in", "/id-in");
        ScriptedUpstream mn = new ScriptedUpstream("mn", "/id-mn2");
        upstreams.add(in);
        upstreams.add(mn);
        assertEquals(mn, router.upstreamFor("/id-mn2/x").orElseThrow(), "by its CSE-ID");
        assertEquals(in, router.upstreamFor("cse-in/x").orElseThrow(), "the default route");
        router.reroute(new RouteTable(List.of(new RouteTable.Rule("/id-x", "mn")), null));
        assertEquals(mn, router.upstreamFor("/id-x/y").orElseThrow(), "a rule of the new routes");
        assertTrue(router.upstreamFor("cse-in/x").isEmpty(), "no default any more");
        upstreams.remove("mn");
        assertTrue(router.upstreamFor("/id-x/y").isEmpty(), "a route to an upstream no longer on the bus");
    }
}
