package org.m2mbridge.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The point-of-access rewrite that makes an upstream CSE reach entities through the bridge (http-binding.md 8):
 * in a registration or poa update going up, {@code poa} becomes the bridge's own address for the entity and
 * {@code rr} becomes true; in the answer coming back, the entity sees its own original {@code poa} and {@code rr}
 * again. Works on copies: primitive content is never mutated in place.
 */
final class PointOfAccessRewrite {
    static final String AE = "m2m:ae";
    static final String CSR = "m2m:csr";
    private static final String RCE = "m2m:rce";

    private PointOfAccessRewrite() {
    }

    /** The resource object ({@code m2m:ae} or {@code m2m:csr}) inside {@code pc}, if any. */
    static Optional<ObjectNode> resource(JsonNode pc) {
        if (pc == null || !pc.isObject()) {
            return Optional.empty();
        }
        JsonNode r = pc.has(AE) ? pc.get(AE) : pc.get(CSR);
        if (r == null && pc.has(RCE)) { // rcn=3: created resource wrapped with its address
            return resource(pc.get(RCE));
        }
        return r instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    }

    static List<String> poaOf(JsonNode pc) {
        List<String> out = new ArrayList<>();
        resource(pc).map(r -> r.get("poa")).ifPresent(p -> {
            if (p.isArray()) {
                p.forEach(v -> out.add(v.asText()));
            } else if (p.isTextual()) {
                out.add(p.asText());
            }
        });
        return out;
    }

    static boolean hasPoa(JsonNode pc) {
        return resource(pc).map(r -> r.has("poa")).orElse(false);
    }

    /** Copy of {@code pc} whose resource carries {@code poa} and, when {@code setRr}, {@code rr=true}. */
    static JsonNode withPoa(JsonNode pc, List<String> poa, boolean setRr) {
        JsonNode copy = pc.deepCopy();
        resource(copy).ifPresent(r -> {
            ArrayNode a = r.putArray("poa");
            poa.forEach(a::add);
            if (setRr) {
                r.put("rr", true);
            }
        });
        return copy;
    }

    /** Copy of {@code pc} whose resource carries no {@code poa}. */
    static JsonNode withoutPoa(JsonNode pc) {
        JsonNode copy = pc.deepCopy();
        resource(copy).ifPresent(r -> r.remove("poa"));
        return copy;
    }

    /** Copy of a response {@code pc} showing the entity its own poa and rr (absent ones removed). */
    static JsonNode restore(JsonNode pc, List<String> originalPoa, JsonNode originalRr) {
        if (resource(pc).isEmpty()) {
            return pc;
        }
        JsonNode copy = pc.deepCopy();
        resource(copy).ifPresent(r -> {
            if (originalPoa.isEmpty()) {
                r.remove("poa");
            } else {
                ArrayNode a = r.putArray("poa");
                originalPoa.forEach(a::add);
            }
            if (originalRr == null) {
                r.remove("rr");
            } else {
                r.set("rr", originalRr);
            }
        });
        return copy;
    }

    static JsonNode rrOf(JsonNode pc) {
        return resource(pc).map(r -> r.get("rr")).orElse(null);
    }
}
