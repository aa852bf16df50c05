package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * What a strict Release 3+ CSE refuses and the lenient demo CSE lets pass by default (test peer only, see
 * {@link DemoCse.Settings#strict}): the refusals ACME gives to peers that write an older dialect.
 * <ul>
 *   <li>no {@code rvi}: TS-0004 7.3.2.1 reads it as Release 1, which the CSE does not support (4001);</li>
 *   <li>a {@code to} of {@code /<CSEBase name>...}: SP-relative, naming a CSE whose ID is the CSEBase name
 *       (TS-0001 7.2), which is not this CSE (4000);</li>
 *   <li>a registration without {@code srv}, mandatory for {@code <AE>} and {@code <remoteCSE>} from Release 3 on
 *       (4000).</li>
 * </ul>
 */
final class StrictRequests {
    private final String cseId;
    private final String cseName;

    StrictRequests(String cseId, String cseName) {
        this.cseId = cseId;
        this.cseName = cseName;
    }

    /** The refusal for {@code request}, if it has one of the faults above: rsc and debug text. */
    Optional<Refusal> check(RequestPrimitive request) {
        if (request.rvi() == null || request.rvi().isEmpty()) {
            return Optional.of(new Refusal(ResponseStatusCode.RELEASE_VERSION_NOT_SUPPORTED,
                    "no rvi: release 1 is not supported here"));
        }
        String to = request.to() == null ? "" : request.to();
        String slashed = "/" + cseName;
        if (!slashed.equals(cseId) && (to.equals(slashed) || to.startsWith(slashed + "/"))) {
            return Optional.of(new Refusal(ResponseStatusCode.BAD_REQUEST,
                    "'" + to + "' is SP-relative and names the CSE " + slashed + ", not this one"));
        }
        if (request.isRegistration()) {
            String root = request.ty() == ResourceType.REMOTE_CSE.code() ? "m2m:csr" : "m2m:ae";
            JsonNode srv = request.pc() == null ? null : request.pc().path(root).get("srv");
            if (srv == null || srv.isNull()) {
                return Optional.of(new Refusal(ResponseStatusCode.BAD_REQUEST, "srv is mandatory in " + root));
            }
        }
        return Optional.empty();
    }

    record Refusal(ResponseStatusCode rsc, String text) {
    }
}
