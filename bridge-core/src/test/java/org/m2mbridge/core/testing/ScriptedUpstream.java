package org.m2mbridge.core.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.Upstream;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;

/**
 * An in-process upstream for tests: answers each request with a function (default: an ACME-like CSE that
 * answers CREATE {@code <AE>} with 2001 and {@code aei} = the originator, everything else 2000/2001/2002/2004),
 * and records every request it received and every registration it was told about.
 */
public class ScriptedUpstream implements Upstream {
    public final List<RequestPrimitive> received = new CopyOnWriteArrayList<>();
    public final List<Registration> registered = new CopyOnWriteArrayList<>();
    private final String name;
    private final String cseId;
    private volatile Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> behaviour;

    public ScriptedUpstream(String name, String cseId) {
        this.name = name;
        this.cseId = cseId;
        this.behaviour = r -> CompletableFuture.completedFuture(acmeLike(r));
    }

    /** Replaces the answer function (may return a future that completes later, or never). */
    public ScriptedUpstream answering(Function<RequestPrimitive, CompletableFuture<ResponsePrimitive>> f) {
        this.behaviour = f;
        return this;
    }

    /** What a real CSE roughly answers; {@code aei} for an AE CREATE is {@code fr}, or C + rn when fr is "C". */
    public static ResponsePrimitive acmeLike(RequestPrimitive r) {
        int rsc = switch (r.op()) {
            case CREATE -> ResponseStatusCode.CREATED.code();
            case DELETE -> ResponseStatusCode.DELETED.code();
            case UPDATE -> ResponseStatusCode.UPDATED.code();
            default -> ResponseStatusCode.OK.code();
        };
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(rsc, r.rqi()).rvi(r.rvi()).to(r.fr()).fr("/id-in");
        if (r.op() == Operation.CREATE && r.pc() != null && r.pc().has("m2m:ae")) {
            ObjectNode ae = r.pc().get("m2m:ae").deepCopy();
            String rn = ae.path("rn").asText("ae");
            String aei = r.fr() == null || r.fr().length() <= 1 ? "C" + rn : r.fr();
            ae.put("aei", aei).put("ri", aei).put("ty", 2).put("pi", "id-in");
            b.pc(JsonNodeFactory.instance.objectNode().set("m2m:ae", ae));
        } else if (r.op() == Operation.CREATE && r.pc() != null && r.pc().has("m2m:csr")) {
            ObjectNode csr = r.pc().get("m2m:csr").deepCopy();
            csr.put("ty", 16).put("ri", "csr" + csr.path("rn").asText());
            b.pc(JsonNodeFactory.instance.objectNode().set("m2m:csr", csr));
        } else if (r.pc() != null && r.op() != Operation.NOTIFY) {
            b.pc(r.pc());
        }
        return b.build();
    }

    @Override
    public String id() {
        return "upstream:" + name;
    }

    @Override
    public String binding() {
        return "test";
    }

    @Override
    public CompletableFuture<ResponsePrimitive> deliver(RequestPrimitive request, Instant deadline) {
        received.add(request);
        return behaviour.apply(request);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String cseId() {
        return cseId;
    }

    @Override
    public String spId() {
        return "//test.example";
    }

    @Override
    public List<String> pointOfAccess(String token, String entityId) {
        return List.of("http://bridge.test/notify/" + token);
    }

    @Override
    public void entityRegistered(Registration registration) {
        registered.add(registration);
    }

    @Override
    public boolean isReachable() {
        return true;
    }
}
