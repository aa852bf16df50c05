package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.m2mbridge.core.primitive.Primitive;

/**
 * The streamed encoder ({@link PrimitiveWriter}, the fast path) gives exactly the bytes of the tree path
 * ({@link PrimitiveTree#encode} then the mapper), for JSON and CBOR, over every peer fixture and sample.
 */
class StreamedEncodeTest {
    private final Codecs codecs = new Codecs(CodecLimits.DEFAULT);
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectMapper cbor = new CBORMapper();

    private List<Primitive> corpus() {
        List<Primitive> out = new ArrayList<>();
        List<PeerFixtures.Payload> payloads = new ArrayList<>(PeerFixtures.webSocket());
        payloads.addAll(PeerFixtures.mqtt());
        for (PeerFixtures.Payload p : payloads) {
            DecodeResult d = codecs.get(p.serialization()).decode(p.bytes());
            if (d instanceof DecodeResult.Decoded ok) {
                out.add(ok.primitive());
            }
        }
        return out;
    }

    @Test
    void streamedBytesEqualTreeBytesForJsonAndCbor() throws Exception {
        List<Primitive> corpus = corpus();
        assertTrue(corpus.size() > 20, "the fixtures give a real corpus: " + corpus.size());
        int streamed = 0;
        for (Primitive p : corpus) {
            if (PrimitiveWriter.handles(p)) {
                streamed++;
            }
            assertArrayEquals(json.writeValueAsBytes(PrimitiveTree.encode(p)), codecs.get(Serialization.JSON).encode(p),
                    () -> "JSON " + p);
            assertArrayEquals(cbor.writeValueAsBytes(PrimitiveTree.encode(p)), codecs.get(Serialization.CBOR).encode(p),
                    () -> "CBOR " + p);
        }
        assertTrue(streamed > corpus.size() / 2, "most primitives take the streamed path: " + streamed);
    }
}
