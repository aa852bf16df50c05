package org.m2mbridge.core.primitive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registration resource in a primitive's content: the {@code <AE>} ({@code m2m:ae}) or {@code <remoteCSE>}
 * ({@code m2m:csr}) a registration creates or updates, or the registrar's answer shows (TS-0004 7.4.4, 7.4.2;
 * TS-0020 7.4), also inside the {@code m2m:rce} wrapper of a {@code rcn=3} answer (TS-0004 6.3.5.29). The one
 * place for the short names of the attributes the bridge reads (TS-0004 8.2.3; docs/spec/primitives.md
 * PRIM-ID-1, PRIM-ID-2): callers ask this view instead of spelling {@code poa}, {@code aei}, {@code csi}, ... A view
 * over {@code attributes}, never a copy: writers copy the content first (see core.bus.PointOfAccessRewrite).
 */
public record RegistrationContent(ResourceType type, ObjectNode attributes) {
    /** pointOfAccess: where the entity takes requests (a list of URLs or addresses). */
    public static final String POA = "poa";
    /** requestReachability: whether the entity can take requests at all. */
    public static final String RR = "rr";
    /** resourceName. */
    public static final String RN = "rn";
    /** resourceID, assigned by the registrar. */
    public static final String RI = "ri";
    /** AE-ID of an {@code <AE>}. */
    public static final String AEI = "aei";
    /** CSE-ID of a {@code <remoteCSE>}. */
    public static final String CSI = "csi";
    /** supportedReleaseVersions. */
    public static final String SRV = "srv";
    /** expirationTime (m2m:timestamp). */
    public static final String ET = "et";
    /** Response content for {@code rcn=3}: the resource with its address (TS-0004 6.3.5.29). */
    private static final String RCE = "m2m:rce";

    /** The {@code <AE>} or {@code <remoteCSE>} in {@code pc}, unwrapping {@code m2m:rce}; empty when there is none. */
    public static Optional<RegistrationContent> of(JsonNode pc) {
        if (pc == null || !pc.isObject()) {
            return Optional.empty();
        }
        JsonNode ae = pc.get(ResourceType.AE.rootName());
        JsonNode r = ae != null ? ae : pc.get(ResourceType.REMOTE_CSE.rootName());
        if (r == null && pc.has(RCE)) {
            return of(pc.get(RCE));
        }
        return r instanceof ObjectNode o
                ? Optional.of(new RegistrationContent(ae != null ? ResourceType.AE : ResourceType.REMOTE_CSE, o))
                : Optional.empty();
    }

    /** {@code poa} as a list: an array's items, a single string as one item, else empty. */
    public List<String> pointOfAccess() {
        List<String> out = new ArrayList<>();
        JsonNode p = attributes.get(POA);
        if (p != null && p.isArray()) {
            p.forEach(v -> out.add(v.asText()));
        } else if (p != null && p.isTextual()) {
            out.add(p.asText());
        }
        return out;
    }

    public boolean hasPointOfAccess() {
        return attributes.has(POA);
    }

    /** {@code rr} as given (null when absent): kept as a tree so that it can be shown back exactly. */
    public JsonNode requestReachability() {
        return attributes.get(RR);
    }

    /** {@code rn}, or null. */
    public String resourceName() {
        return attributes.path(RN).asText(null);
    }

    /** {@code ri}, or null. */
    public String resourceId() {
        return attributes.path(RI).asText(null);
    }

    /** {@code et}, or null. */
    public String expirationTime() {
        return attributes.path(ET).asText(null);
    }

    /** The entity's ID: {@code aei} of an {@code <AE>}, {@code csi} of a {@code <remoteCSE>}; empty when not given. */
    public Optional<String> entityId() {
        JsonNode id = attributes.hasNonNull(AEI) ? attributes.get(AEI) : attributes.get(CSI);
        return id == null || id.isNull() || id.asText().isEmpty() ? Optional.empty() : Optional.of(id.asText());
    }
}
