package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.primitive.FilterCriteria;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;

/**
 * The requests of one simulated AE, encoded once through the real codec with a placeholder rqi that each send
 * overwrites in place: the load tool's own CPU then goes into the socket, not into encoding (the bridge and the
 * tool share the machine's cores).
 */
final class RequestTemplates {
    /** Width of every rqi: {@code cccccc-ssssssssssssss} (connection, sequence). */
    static final int RQI_WIDTH = 21;
    private static final String PLACEHOLDER = "#".repeat(RQI_WIDTH);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** About 100 characters of content: with the header fields a CREATE cin is a typical ~300-byte primitive. */
    private static final String CON = "{\"temperature\":21.5,\"humidity\":48.2,\"battery\":87,\"ts\":\"20261125T153000\",\"unit\":\"C\"}";

    private final Template create;
    private final Template retrieve;
    private final Template discover;

    RequestTemplates(PrimitiveCodec codec, String originator, String container, String aePath) {
        ObjectNode cin = NODES.objectNode();
        cin.putObject("m2m:cin").put("cnf", "application/json:0").put("con", CON);
        this.create = Template.of(codec, base(originator).op(Operation.CREATE).to(container).ty(4).pc(cin).build());
        this.retrieve = Template.of(codec, base(originator).op(Operation.RETRIEVE).to(container).build());
        this.discover = Template.of(codec, base(originator).op(Operation.RETRIEVE).to(aePath)
                .fc(new FilterCriteria(Map.of("fu", NODES.numberNode(1), "ty", NODES.arrayNode().add(4),
                        "lim", NODES.numberNode(10)))).build());
    }

    static RequestPrimitive.Builder base(String originator) {
        return RequestPrimitive.builder().fr(originator).rqi(PLACEHOLDER).rvi("3");
    }

    /** The request for a draw {@code 0..99} of the mix. */
    byte[] next(int draw, LoadOptions o, String rqi) {
        Template t = draw < o.createPct() ? create : draw < o.createPct() + o.retrievePct() ? retrieve : discover;
        return t.with(rqi);
    }

    static String rqi(int connection, long sequence) {
        return String.format("%06d-%014d", connection, sequence);
    }

    static byte[] encodeOnce(PrimitiveCodec codec, RequestPrimitive request, String rqi) {
        return Template.of(codec, request.toBuilder().rqi(PLACEHOLDER).build()).with(rqi);
    }

    static JsonNode content(String key, ObjectNode body) {
        ObjectNode o = NODES.objectNode();
        o.set(key, body);
        return o;
    }

    static List<String> list(String s) {
        return List.of(s);
    }

    /** Encoded bytes and where the placeholder rqi sits in them. */
    private record Template(byte[] bytes, int rqiAt) {
        static Template of(PrimitiveCodec codec, RequestPrimitive request) {
            byte[] b = codec.encode(request);
            byte[] p = PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i + p.length <= b.length; i++) {
                for (int j = 0; j < p.length; j++) {
                    if (b[i + j] != p[j]) {
                        continue outer;
                    }
                }
                return new Template(b, i);
            }
            throw new IllegalStateException("encoded request does not carry its rqi verbatim");
        }

        byte[] with(String rqi) {
            byte[] copy = bytes.clone();
            byte[] r = rqi.getBytes(StandardCharsets.US_ASCII);
            if (r.length != RQI_WIDTH) {
                throw new IllegalArgumentException("rqi must be " + RQI_WIDTH + " characters: " + rqi);
            }
            System.arraycopy(r, 0, copy, rqiAt, RQI_WIDTH);
            return copy;
        }
    }
}
