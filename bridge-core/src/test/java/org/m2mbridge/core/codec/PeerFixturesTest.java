package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.Primitive;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;

/** Every primitive and HTTP body captured from ACME, Mobius, tinyIoT and nCube-Thyme decodes. */
class PeerFixturesTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);
    /** Payloads the peers themselves rejected as malformed (acme ws-08, mqtt-10, mqtt-11). */
    private static final Set<String> MALFORMED = Set.of("not json at all", "this is not json",
            "{\"op\":9,\"to\":\"cse-in\",\"fr\":\"Cmqttae\",\"rqi\":\"mq-bad-op\",\"rvi\":\"3\"}");

    private static List<PeerFixtures.Payload> primitives() {
        List<PeerFixtures.Payload> all = new ArrayList<>(PeerFixtures.webSocket());
        all.addAll(PeerFixtures.mqtt());
        return all;
    }

    @Test
    void everyWebSocketAndMqttPrimitiveDecodes() {
        List<PeerFixtures.Payload> payloads = primitives();
        assertTrue(payloads.size() > 100, "found only " + payloads.size() + " payloads");
        int cbor = 0;
        for (PeerFixtures.Payload p : payloads) {
            DecodeResult r = CODECS.get(p.serialization()).decode(p.bytes());
            if (p.serialization() == Serialization.JSON && MALFORMED.contains(p.text())) {
                assertInstanceOf(DecodeResult.Failed.class, r, p.source());
                continue;
            }
            Primitive decoded = assertInstanceOf(DecodeResult.Decoded.class, r, () -> p.source() + ": " + r).primitive();
            cbor += p.serialization() == Serialization.CBOR ? 1 : 0;
            for (Serialization s : Serialization.values()) {
                PrimitiveCodec c = CODECS.get(s);
                assertInstanceOf(DecodeResult.Decoded.class, c.decode(c.encode(decoded)), p.source() + " via " + s);
            }
        }
        assertTrue(cbor >= 4, "CBOR payloads: " + cbor);
    }

    @Test
    void invalidOpFromAcmeFixtureCarriesRqi() {
        DecodeResult.Failed f = assertInstanceOf(DecodeResult.Failed.class, CODECS.get(Serialization.JSON)
                .decode(find("mq-bad-op").bytes()));
        assertEquals(Optional.of("mq-bad-op"), f.rqi());
        assertEquals(Optional.of("3"), f.rvi());
    }

    @Test
    void everyHttpBodyDecodesAsContent() {
        List<PeerFixtures.Payload> bodies = PeerFixtures.httpBodies();
        assertTrue(bodies.size() > 40, "found only " + bodies.size() + " bodies");
        PrimitiveCodec json = CODECS.get(Serialization.JSON);
        for (PeerFixtures.Payload p : bodies) {
            ContentResult r = json.decodeContent(p.bytes());
            assertInstanceOf(ContentResult.Decoded.class, r, () -> p.source() + ": " + r);
        }
    }

    @Test
    void thymeStringsBecomeNumbers() {
        RequestPrimitive r = request(find("\"rqi\":\"OafbIDuFt\",\"ty\":\"3\""));
        assertEquals(Operation.CREATE, r.op());
        assertEquals(3, r.ty());
        RequestPrimitive sub = request(find("\"ty\":\"23\""));
        assertEquals(Samples.json("{\"m2m:sub\":{\"rn\":\"sub1\",\"enc\":{\"net\":[3]},"
                + "\"nu\":[\"mqtt://127.0.0.1:1883/STHYME1?ct=json\"],\"nct\":2}}"), sub.pc());
        RequestPrimitive ae = request(find("\"rr\":\"true\""));
        assertTrue(ae.pc().get("m2m:ae").get("rr").booleanValue());
    }

    @Test
    void tinyIotFloatsBecomeIntegers() {
        PeerFixtures.Payload p = find("\"rsc\":2001.0,\"rqi\":\"mq-002\"");
        ResponsePrimitive r = CODECS.get(Serialization.JSON).decode(p.bytes()).response().orElseThrow();
        assertEquals(2001, r.rsc());
        assertTrue(r.pc().get("m2m:ae").get("ty").isInt());
        assertEquals(2, r.pc().get("m2m:ae").get("ty").intValue());
    }

    @Test
    void mobiusWrappedRequestIsAccepted() {
        RequestPrimitive r = request(find("{\"m2m:rqp\":"));
        assertEquals("ws-008", r.rqi());
        assertEquals(Operation.RETRIEVE, r.op());
    }

    private static RequestPrimitive request(PeerFixtures.Payload p) {
        return CODECS.get(p.serialization()).decode(p.bytes()).request().orElseThrow(() -> new AssertionError(p.source()));
    }

    private static PeerFixtures.Payload find(String fragment) {
        return primitives().stream().filter(p -> p.serialization() == Serialization.JSON && p.text().contains(fragment))
                .findFirst().orElseThrow(() -> new AssertionError("no fixture contains " + fragment));
    }
}
