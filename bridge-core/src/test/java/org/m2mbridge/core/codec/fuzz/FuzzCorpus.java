package org.m2mbridge.core.codec.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.m2mbridge.core.codec.ContentResult;
import org.m2mbridge.core.codec.DecodeResult;
import org.m2mbridge.core.codec.PeerFixtures;
import org.m2mbridge.core.codec.Serialization;

/**
 * Seeds per serialization: the primitives and HTTP bodies captured from real peers ({@code fixtures/peers}),
 * each also re-encoded in the other serializations (the fixtures have little XML and CBOR), plus a few
 * primitives that use the parameters the captures lack (fc, rt, extra).
 */
final class FuzzCorpus {
    private static final List<String> EXTRA_PRIMITIVES = List.of(
            "{\"op\":2,\"to\":\"cse-in\",\"fr\":\"Cae\",\"rqi\":\"q1\",\"rvi\":\"3\",\"rcn\":4,\"rt\":{\"rtv\":3,\"nu\":[\"Cae\"]},"
                    + "\"fc\":{\"fu\":1,\"ty\":[3,4],\"lbl\":[\"a b\",\"c\"],\"lim\":10,\"atr\":[{\"nm\":\"cr\",\"val\":\"x\"}],"
                    + "\"crb\":\"20261125T132102\"},\"drt\":2,\"rqet\":\"20261125T132102\",\"tkns\":[\"t\"],\"da\":true,\"x-unknown\":[1,2.5,null]}",
            "{\"m2m:rqp\":{\"op\":\"1\",\"ty\":\"4\",\"to\":\"Cae/c\",\"fr\":\"Cae\",\"rqi\":\"q2\",\"rvi\":3,"
                    + "\"pc\":{\"m2m:cin\":{\"con\":\"<x>&amp;\",\"cnf\":\"text/plain:0\",\"lbl\":\"one\"}}}}",
            "{\"rsc\":2000,\"rqi\":\"q3\",\"pc\":{\"m2m:uril\":[\"a\",\"b\"]},\"cnst\":1,\"cnot\":2,\"ati\":{\"x\":1},\"asri\":false}",
            "{\"rsc\":4000,\"rqi\":\"q4\",\"pc\":{\"m2m:dbg\":\"bad\"}}");

    private FuzzCorpus() {
    }

    /** Whole primitives in {@code serialization}. */
    static List<byte[]> primitives(Serialization serialization) {
        List<byte[]> out = new ArrayList<>();
        List<PeerFixtures.Payload> captured = new ArrayList<>(PeerFixtures.webSocket());
        captured.addAll(PeerFixtures.mqtt());
        for (PeerFixtures.Payload p : captured) {
            if (p.serialization() == serialization) {
                out.add(p.bytes());
            }
            reencoded(p.serialization(), p.bytes(), serialization, out);
        }
        for (String json : EXTRA_PRIMITIVES) {
            if (serialization == Serialization.JSON) {
                out.add(json.getBytes(StandardCharsets.UTF_8)); // lenient forms ("op":"1", a wrapper) as sent
            }
            reencoded(Serialization.JSON, json.getBytes(StandardCharsets.UTF_8), serialization, out);
        }
        return out;
    }

    /** Bare contents in {@code serialization}: HTTP bodies and the {@code pc} of every seed primitive. */
    static List<byte[]> contents(Serialization serialization) {
        List<byte[]> out = new ArrayList<>();
        for (PeerFixtures.Payload body : PeerFixtures.httpBodies()) {
            if (CodecProperties.CODECS.get(body.serialization()).decodeContent(body.bytes())
                    instanceof ContentResult.Decoded d && d.content() != null) {
                out.add(CodecProperties.CODECS.get(serialization).encodeContent(d.content()));
            }
        }
        for (byte[] primitive : primitives(serialization)) {
            if (CodecProperties.CODECS.get(serialization).decode(primitive) instanceof DecodeResult.Decoded d
                    && d.primitive().pc() != null) {
                out.add(CodecProperties.CODECS.get(serialization).encodeContent(d.primitive().pc()));
            }
        }
        return out;
    }

    /** {@code bytes} decoded and written again in {@code to} (its canonical form when {@code from == to}). */
    private static void reencoded(Serialization from, byte[] bytes, Serialization to, List<byte[]> out) {
        if (CodecProperties.CODECS.get(from).decode(bytes) instanceof DecodeResult.Decoded d) {
            out.add(CodecProperties.CODECS.get(to).encode(d.primitive()));
        }
    }
}
