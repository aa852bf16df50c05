package org.m2mbridge.core.bus;

import static org.m2mbridge.core.primitive.RegistrationContent.POA;
import static org.m2mbridge.core.primitive.RegistrationContent.RR;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.m2mbridge.core.primitive.RegistrationContent;

/**
 * The point-of-access rewrite that makes an upstream CSE reach entities through the bridge (docs/spec/http.md HTTP-N-2):
 * in a registration or poa update going up, {@code poa} becomes the bridge's own address for the entity and
 * {@code rr} becomes true; in the answer coming back, the entity sees its own original {@code poa} and {@code rr}
 * again. Works on copies: primitive content is never mutated in place.
 */
final class PointOfAccessRewrite {
    private PointOfAccessRewrite() {
    }

    /** The resource object ({@code m2m:ae} or {@code m2m:csr}) inside {@code pc}, if any. */
    static Optional<ObjectNode> resource(JsonNode pc) {
        return RegistrationContent.of(pc).map(RegistrationContent::attributes);
    }

    static List<String> poaOf(JsonNode pc) {
        return RegistrationContent.of(pc).map(RegistrationContent::pointOfAccess).orElseGet(ArrayList::new);
    }

    static boolean hasPoa(JsonNode pc) {
        return resource(pc).map(r -> r.has(POA)).orElse(false);
    }

    /** Copy of {@code pc} whose resource carries {@code poa} and, when {@code setRr}, {@code rr=true}. */
    static JsonNode withPoa(JsonNode pc, List<String> poa, boolean setRr) {
        JsonNode copy = pc.deepCopy();
        resource(copy).ifPresent(r -> {
            ArrayNode a = r.putArray(POA);
            poa.forEach(a::add);
            if (setRr) {
                r.put(RR, true);
            }
        });
        return copy;
    }

    /** Copy of {@code pc} whose resource carries no {@code poa}. */
    static JsonNode withoutPoa(JsonNode pc) {
        JsonNode copy = pc.deepCopy();
        resource(copy).ifPresent(r -> r.remove(POA));
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
                r.remove(POA);
            } else {
                ArrayNode a = r.putArray(POA);
                originalPoa.forEach(a::add);
            }
            if (originalRr == null) {
                r.remove(RR);
            } else {
                r.set(RR, originalRr);
            }
        });
        return copy;
    }

    static JsonNode rrOf(JsonNode pc) {
        return RegistrationContent.of(pc).map(RegistrationContent::requestReachability).orElse(null);
    }
}
