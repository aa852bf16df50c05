package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.m2mbridge.core.bus.Deadlines;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny in-memory oneM2M IN-CSE stand-in. <b>TEST/DEMO peer, not a product feature, not a CSE
 * implementation</b>: it exists so the bridge's tests and demo mode have an upstream that answers the way
 * ACME-oneM2M-CSE does (see the fixtures under {@code fixtures/peers/acme}): CSE-ID {@code /id-in}, CSEBase
 * {@code cse-in}, responses with {@code fr=/id-in}, 2001 with the full resource, {@code m2m:sgn} notifications.
 *
 * <p>Transport-agnostic: front ends ({@link DemoCseHttpServer}, {@link DemoCseMqttClient}) turn their wire format
 * into primitives and call {@link #handle}; notifications leave through the {@link NotificationTransport}
 * registered for the point of access' URI scheme. Thread-safe: one monitor guards the resource tree.
 *
 * <p>Supported: CREATE of AE (2), container (3), contentInstance (4), subscription (23); RETRIEVE by ri, by
 * structured, SP-relative or absolute address, {@code la}/{@code ol}; UPDATE of non-key attributes; DELETE with
 * descendants; discovery with {@code ty}/{@code lbl}/{@code lim} only. No access control beyond "the originator is a
 * registered AE" (ACME's default ACP behaviour for foreign originators, fixture http-12), no expiration.
 */
public final class DemoCse implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoCse.class);
    /** ACME's default admin originator; it may act without registering, as in ACME. */
    public static final String ADMIN_ORIGINATOR = "CAdmin";
    private static final String DEFAULT_RVI = "3";
    /** Attributes a client may not set in UPDATE (TS-0004 7.3.3.3: read-only / write-once). */
    private static final Set<String> READ_ONLY = Set.of("ri", "rn", "pi", "ty", "ct", "lt", "st", "aei", "cni",
            "cbs", "cs", "csi");

    /**
     * @param cseId               SP-relative CSE-ID, also the {@code fr} of every response and notification
     * @param cseName             CSEBase resourceName
     * @param notificationTimeout bound for each NOTIFY and verification request
     * @param strict              refuse as a strict Release 3+ CSE does what the demo otherwise lets pass: no
     *                            {@code rvi}, a {@code to} of {@code /<cseName>...}, a registration without
     *                            {@code srv} ({@link StrictRequests}); default false
     */
    public record Settings(String cseId, String cseName, Duration notificationTimeout, boolean strict) {
        public Settings(String cseId, String cseName, Duration notificationTimeout) {
            this(cseId, cseName, notificationTimeout, false);
        }

        public static Settings defaults() {
            return new Settings("/id-in", "cse-in", Duration.ofSeconds(5));
        }

        /** The same settings, strict. */
        public Settings strictly() {
            return new Settings(cseId, cseName, notificationTimeout, true);
        }
    }

    private final Settings settings;
    private final CseAddress address;
    private final DemoIdentifiers ids;
    private final ResourceStore store = new ResourceStore();
    private final SubscriptionNotifier notifier;
    private final String cseRi;
    private final StrictRequests strictness;

    public DemoCse() {
        this(Settings.defaults());
    }

    public DemoCse(Settings settings) {
        this.settings = settings;
        this.address = new CseAddress(settings.cseId(), settings.cseName());
        this.ids = new DemoIdentifiers(Clock.systemUTC());
        this.cseRi = settings.cseId().substring(1);
        this.strictness = settings.strict() ? new StrictRequests(settings.cseId(), settings.cseName()) : null;
        this.notifier = new SubscriptionNotifier(settings.cseId(), settings.notificationTimeout(), ids, this::resolve);
        store.put(cseBase());
    }

    public Settings settings() {
        return settings;
    }

    /** Plugs in the transport for notifications to points of access with this URI scheme ({@code http}, ...). */
    public void registerTransport(String scheme, NotificationTransport transport) {
        notifier.register(scheme, transport);
    }

    /** Adds one of the front ends' own URLs to the CSEBase {@code poa} (as ACME lists its HTTP URL). */
    public void addPointOfAccess(String url) {
        synchronized (store) {
            DemoResource cb = store.byRi(cseRi).orElseThrow();
            ObjectNode attrs = cb.attributesCopy();
            attrs.withArray("poa").add(url);
            store.put(cb.withAttributes(attrs));
        }
    }

    /** Processes one request; the future never fails (errors are response primitives). */
    public CompletableFuture<ResponsePrimitive> handle(RequestPrimitive request) {
        CompletableFuture<ResponsePrimitive> result;
        try {
            result = dispatch(request);
        } catch (RuntimeException e) {
            LOG.warn("demo-cse: internal error on {}", request.rqi(), e);
            result = done(error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR, "internal error: " + e));
        }
        return result.exceptionally(e -> error(request, ResponseStatusCode.INTERNAL_SERVER_ERROR, e.toString()))
                .thenApply(rsp -> stamp(request, rsp));
    }

    private CompletableFuture<ResponsePrimitive> dispatch(RequestPrimitive request) {
        if (request.to() == null || request.to().isEmpty()) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "to/target parameter is mandatory in request"));
        }
        if (request.rqi() == null || request.rqi().isEmpty()) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "rqi is mandatory in request"));
        }
        Optional<StrictRequests.Refusal> refused = strictness == null ? Optional.empty() : strictness.check(request);
        if (refused.isPresent()) {
            return done(error(request, refused.get().rsc(), refused.get().text()));
        }
        // TS-0004 7.3.2.1 / TS-0010 6.4.5: a receiver drops requests whose rqet has passed (4008).
        Instant now = ids.instant();
        Instant reference = Deadlines.parseAbsRel(request.ot(), now).orElse(now);
        if (Deadlines.parseAbsRel(request.rqet(), reference).map(now::isAfter).orElse(false)) {
            return done(error(request, ResponseStatusCode.REQUEST_TIMEOUT, "request expired: rqet=" + request.rqet()));
        }
        return switch (request.op()) {
            case CREATE -> create(request);
            case RETRIEVE -> done(retrieve(request));
            case UPDATE -> done(update(request));
            case DELETE -> done(delete(request));
            case NOTIFY -> done(error(request, ResponseStatusCode.NOT_IMPLEMENTED, "demo CSE accepts no NOTIFY"));
        };
    }

    // ---- CREATE (TS-0004 7.3.3.2) ----

    private CompletableFuture<ResponsePrimitive> create(RequestPrimitive request) {
        boolean aeCreate = request.ty() != null && request.ty() == ResourceType.AE.code();
        if (!aeCreate && request.fr() == null) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "originator is mandatory"));
        }
        Optional<DemoResource> parent = resolve(request.to());
        if (parent.isEmpty()) {
            return done(notFound(request));
        }
        if (!aeCreate && !isRegistered(request.fr())) {
            return done(noPrivilege(request, "CREATE", parent.get()));
        }
        if (request.ty() == null) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "resource type is mandatory in CREATE"));
        }
        int ty = request.ty();
        if (!allowedChild(parent.get().ty(), ty)) {
            return done(error(request, ResponseStatusCode.INVALID_CHILD_RESOURCE_TYPE,
                    "demo CSE does not create ty=" + ty + " under ty=" + parent.get().ty()));
        }
        JsonNode root = request.pc() == null ? null : request.pc().get(DemoResource.rootName(ty));
        if (!(root instanceof ObjectNode given)) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "content must be " + DemoResource.rootName(ty)));
        }
        ObjectNode attrs = given.deepCopy();
        if (ty == ResourceType.AE.code()) {
            return done(createAe(request, parent.get(), attrs));
        }
        if (ty == ResourceType.SUBSCRIPTION.code()) {
            return createSubscription(request, parent.get(), attrs);
        }
        String prefix = ty == ResourceType.CONTAINER.code() ? "cnt" : "cin";
        String rn = attrs.path("rn").asText(prefix + "_" + ids.random(10));
        synchronized (store) {
            if (store.hasChildNamed(parent.get().ri(), rn)) {
                return done(conflict(request, rn));
            }
            if (ty == ResourceType.CONTAINER.code()) {
                attrs.put("cni", 0).put("cbs", 0).put("st", 0);
            } else {
                attrs.put("cs", attrs.path("con").asText("").getBytes(StandardCharsets.UTF_8).length).put("st", 0);
            }
            DemoResource created = insert(parent.get(), ty, rn, prefix + ids.random(10), attrs);
            if (ty == ResourceType.CONTENT_INSTANCE.code()) {
                refreshContainer(parent.get().ri(), true);
                notifyChildCreated(parent.get(), created);
            }
            return done(created(request, created));
        }
    }

    private ResponsePrimitive createAe(RequestPrimitive request, DemoResource parent, ObjectNode attrs) {
        if (!attrs.hasNonNull("api")) {
            return error(request, ResponseStatusCode.BAD_REQUEST, "attribute api is mandatory for <AE>");
        }
        // ACME: a C- or S-originator longer than one letter keeps its ID; "C", "S", none or others get a
        // generated C-ID.
        String fr = request.fr();
        String aei = fr != null && (fr.startsWith("C") || fr.startsWith("S")) && fr.length() > 1 ? fr
                : "C" + ids.random(12);
        String rn = attrs.path("rn").asText(aei);
        synchronized (store) {
            if (store.byRi(aei).isPresent()) {
                return error(request, ResponseStatusCode.ORIGINATOR_HAS_ALREADY_REGISTERED,
                        "Originator has already registered: " + aei);
            }
            if (store.hasChildNamed(parent.ri(), rn)) {
                return conflict(request, rn);
            }
            attrs.put("aei", aei);
            return created(request, insert(parent, ResourceType.AE.code(), rn, aei, attrs));
        }
    }

    private CompletableFuture<ResponsePrimitive> createSubscription(RequestPrimitive request, DemoResource parent,
                                                                    ObjectNode attrs) {
        List<String> nus = texts(attrs.path("nu"));
        if (nus.isEmpty()) {
            return done(error(request, ResponseStatusCode.BAD_REQUEST, "attribute nu is mandatory for <sub>"));
        }
        String rn = attrs.path("rn").asText("sub_" + ids.random(10));
        if (store.hasChildNamed(parent.ri(), rn)) {
            return done(conflict(request, rn));
        }
        if (!attrs.has("nct")) {
            attrs.put("nct", 1);
        }
        String ri = "sub" + ids.random(10);
        String originator = address.localOriginator(request.fr());
        // ACME sends no verification request to a nu that is the subscriber itself (fixture mqtt-04).
        List<String> toVerify = new ArrayList<>();
        for (String nu : nus) {
            if (!resolve(nu).map(r -> r.ri().equals(originator)).orElse(false)) {
                toVerify.add(nu);
            }
        }
        CompletableFuture<Boolean> verified = toVerify.isEmpty() ? CompletableFuture.completedFuture(true)
                : notifier.verify(toVerify, settings.cseId() + "/" + ri, request.fr());
        return verified.thenApply(ok -> {
            if (!ok) {
                return error(request, ResponseStatusCode.SUBSCRIPTION_VERIFICATION_INITIATION_FAILED,
                        "Verification request failed for: " + toVerify);
            }
            synchronized (store) {
                if (store.byRi(parent.ri()).isEmpty()) {
                    return notFound(request);
                }
                if (store.hasChildNamed(parent.ri(), rn)) {
                    return conflict(request, rn);
                }
                return created(request, insert(parent, ResourceType.SUBSCRIPTION.code(), rn, ri, attrs));
            }
        });
    }

    private DemoResource insert(DemoResource parent, int ty, String rn, String ri, ObjectNode given) {
        ObjectNode attrs = given;
        String now = ids.now();
        attrs.put("rn", rn).put("pi", parent.ri()).put("ri", ri).put("ty", ty);
        if (ty == ResourceType.AE.code()) {
            // keep aei after ty, as ACME orders it
            attrs.set("aei", attrs.remove("aei"));
        }
        attrs.put("ct", now).put("lt", now);
        if (!attrs.hasNonNull("et")) {
            attrs.put("et", ids.expiration());
        }
        DemoResource r = new DemoResource(ri, rn, ty, parent.ri(), parent.path() + "/" + rn, attrs);
        store.put(r);
        return r;
    }

    private static boolean allowedChild(int parentTy, int ty) {
        int cb = ResourceType.CSE_BASE.code();
        int ae = ResourceType.AE.code();
        int cnt = ResourceType.CONTAINER.code();
        if (ty == ae) {
            return parentTy == cb;
        }
        if (ty == cnt || ty == ResourceType.SUBSCRIPTION.code()) {
            return parentTy == cb || parentTy == ae || parentTy == cnt;
        }
        return ty == ResourceType.CONTENT_INSTANCE.code() && parentTy == cnt;
    }

    /** Recomputes cni/cbs of a container after a child changed, enforcing {@code mni} (oldest removed first). */
    private void refreshContainer(String containerRi, boolean stateChanged) {
        DemoResource cnt = store.byRi(containerRi).orElse(null);
        if (cnt == null || cnt.ty() != ResourceType.CONTAINER.code()) {
            return;
        }
        int cin = ResourceType.CONTENT_INSTANCE.code();
        if (cnt.attrs().has("mni")) {
            long mni = cnt.attrs().path("mni").asLong(Long.MAX_VALUE);
            while (store.children(containerRi, cin).size() > mni) {
                store.removeSubtree(store.latestOrOldest(containerRi, false).orElseThrow().ri());
            }
        }
        List<DemoResource> cins = store.children(containerRi, cin);
        long cbs = cins.stream().mapToLong(c -> c.attrs().path("cs").asLong()).sum();
        ObjectNode attrs = cnt.attributesCopy();
        attrs.put("cni", cins.size()).put("cbs", cbs);
        if (stateChanged) {
            attrs.put("st", attrs.path("st").asLong() + 1).put("lt", ids.now());
        }
        store.put(cnt.withAttributes(attrs));
    }

    /** Notification of net=3 "create of direct child" to the container's subscriptions (TS-0004 7.5.1). */
    private void notifyChildCreated(DemoResource container, DemoResource child) {
        for (DemoResource sub : store.children(container.ri(), ResourceType.SUBSCRIPTION.code())) {
            JsonNode net = sub.attrs().path("enc").path("net");
            boolean wanted = net.isMissingNode() || net.isNull() || texts(net).contains("3");
            if (!wanted) {
                continue;
            }
            ObjectNode sgn = JsonNodeFactory.instance.objectNode();
            ObjectNode nev = sgn.putObject("nev");
            nev.set("rep", child.representation());
            nev.put("net", 3);
            sgn.put("sur", settings.cseId() + "/" + sub.ri());
            notifier.notifyAll(texts(sub.attrs().path("nu")), sgn);
        }
    }

    // ---- RETRIEVE / UPDATE / DELETE (TS-0004 7.3.3.3 - 7.3.3.5) ----

    private ResponsePrimitive retrieve(RequestPrimitive request) {
        return onTarget(request, "RETRIEVE", target -> ResponsePrimitive.builder(ResponseStatusCode.OK.code(),
                request.rqi()).pc(isDiscovery(request) ? discover(request, target) : target.representation()).build());
    }

    private static boolean isDiscovery(RequestPrimitive request) {
        return request.fc() != null && request.fc().filterUsage().orElse(2) == 1;
    }

    /**
     * Discovery ({@code fc.fu=1}, TS-0004 7.3.3.4) with the demo's subset of filters: {@code ty}, {@code lbl}
     * (any of), {@code lim}. Answers {@code m2m:uril} of structured addresses (ACME fixture http-11), or of
     * resource IDs with {@code drt=2}.
     */
    private JsonNode discover(RequestPrimitive request, DemoResource target) {
        List<String> types = texts(request.fc().get("ty").orElse(MissingNode.getInstance()));
        List<String> labels = texts(request.fc().get("lbl").orElse(MissingNode.getInstance()));
        int limit = request.fc().get("lim").filter(JsonNode::canConvertToInt).map(JsonNode::intValue)
                .orElse(Integer.MAX_VALUE);
        boolean unstructured = request.drt() != null && request.drt() == 2;
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        ArrayNode uril = pc.putArray("m2m:uril");
        for (DemoResource r : store.descendants(target.ri())) {
            if (uril.size() >= limit) {
                break;
            }
            boolean typeOk = types.isEmpty() || types.contains(Integer.toString(r.ty()));
            boolean labelOk = labels.isEmpty() || texts(r.attrs().path("lbl")).stream().anyMatch(labels::contains);
            if (typeOk && labelOk) {
                uril.add(unstructured ? r.ri() : r.path());
            }
        }
        return pc;
    }

    private ResponsePrimitive update(RequestPrimitive request) {
        return onTarget(request, "UPDATE", target -> {
            String rootName = DemoResource.rootName(target.ty());
            JsonNode root = request.pc() == null ? null : request.pc().get(rootName);
            if (!(root instanceof ObjectNode changes)) {
                return error(request, ResponseStatusCode.BAD_REQUEST, "content must be " + rootName);
            }
            for (Iterator<String> it = changes.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (READ_ONLY.contains(name)) {
                    return error(request, ResponseStatusCode.BAD_REQUEST, "attribute is not updatable: " + name);
                }
            }
            synchronized (store) {
                DemoResource current = store.byRi(target.ri()).orElse(null);
                if (current == null) {
                    return notFound(request);
                }
                ObjectNode attrs = current.attributesCopy();
                for (Map.Entry<String, JsonNode> e : changes.properties()) {
                    if (e.getValue().isNull()) {
                        attrs.remove(e.getKey()); // TS-0004 8.4: null deletes the attribute
                    } else {
                        attrs.set(e.getKey(), e.getValue().deepCopy());
                    }
                }
                attrs.put("lt", ids.now());
                if (attrs.has("st")) {
                    attrs.put("st", attrs.path("st").asLong() + 1);
                }
                DemoResource updated = current.withAttributes(attrs);
                store.put(updated);
                return ResponsePrimitive.builder(ResponseStatusCode.UPDATED.code(), request.rqi())
                        .pc(updated.representation()).build();
            }
        });
    }

    private ResponsePrimitive delete(RequestPrimitive request) {
        return onTarget(request, "DELETE", target -> {
            synchronized (store) {
                // deletion notifications (sud, TS-0004 7.5.1) go to targets resolved before their AE may vanish
                Map<String, List<SubscriptionNotifier.Target>> deletedSubs = new LinkedHashMap<>();
                List<DemoResource> doomed = new ArrayList<>(store.descendants(target.ri()));
                doomed.add(target);
                for (DemoResource r : doomed) {
                    if (r.ty() == ResourceType.SUBSCRIPTION.code()) {
                        deletedSubs.put(r.ri(), notifier.targets(texts(r.attrs().path("nu"))));
                    }
                }
                if (store.removeSubtree(target.ri()).isEmpty()) {
                    return notFound(request);
                }
                if (target.ty() == ResourceType.CONTENT_INSTANCE.code()) {
                    refreshContainer(target.pi(), false);
                }
                deletedSubs.forEach((ri, targets) -> notifier.notifyTargets(targets,
                        JsonNodeFactory.instance.objectNode().put("sud", true).put("sur", settings.cseId() + "/" + ri)));
            }
            return ResponsePrimitive.builder(ResponseStatusCode.DELETED.code(), request.rqi()).build();
        });
    }

    /**
     * Resolves {@code to} (4004), checks the originator (4103, after the target as ACME orders it) and keeps the
     * CSEBase read-only (4005), then runs {@code action} on the target.
     */
    private ResponsePrimitive onTarget(RequestPrimitive request, String op,
                                       Function<DemoResource, ResponsePrimitive> action) {
        Optional<DemoResource> target = resolve(request.to());
        if (target.isEmpty()) {
            return notFound(request);
        }
        if (!isRegistered(request.fr())) {
            return noPrivilege(request, op, target.get());
        }
        if (!op.equals("RETRIEVE") && target.get().ty() == ResourceType.CSE_BASE.code()) {
            return error(request, ResponseStatusCode.OPERATION_NOT_ALLOWED, "demo CSE: the CSEBase is read-only");
        }
        return action.apply(target.get());
    }

    // ---- addressing and originators ----

    /** The resource {@code to} names: an ri, a structured path, {@code la}/{@code ol}, SP-relative or absolute. */
    Optional<DemoResource> resolve(String to) {
        Optional<String> rel = address.cseRelative(to);
        if (rel.isEmpty()) {
            return Optional.empty();
        }
        String t = rel.get();
        Optional<DemoResource> exact = exact(t);
        if (exact.isPresent()) {
            return exact;
        }
        int slash = t.lastIndexOf('/');
        String last = t.substring(slash + 1);
        if (slash > 0 && (last.equals("la") || last.equals("ol"))) {
            return exact(t.substring(0, slash)).filter(r -> r.ty() == ResourceType.CONTAINER.code())
                    .flatMap(c -> store.latestOrOldest(c.ri(), last.equals("la")));
        }
        return Optional.empty();
    }

    private Optional<DemoResource> exact(String cseRelative) {
        if (cseRelative.contains("/")) {
            return store.byPath(cseRelative);
        }
        return store.byRi(cseRelative).or(() -> store.byPath(cseRelative));
    }

    /** ACME's default: only registered AEs (and its admin originator) may act on resources. */
    private boolean isRegistered(String fr) {
        String local = address.localOriginator(fr);
        if (local == null) {
            return false;
        }
        return ADMIN_ORIGINATOR.equals(local)
                || store.byRi(local).map(r -> r.ty() == ResourceType.AE.code()).orElse(false);
    }

    private DemoResource cseBase() {
        ObjectNode attrs = JsonNodeFactory.instance.objectNode();
        String now = ids.now();
        attrs.put("ri", cseRi).put("rn", settings.cseName()).put("csi", settings.cseId()).put("cst", 1);
        ArrayNode srt = attrs.putArray("srt");
        for (ResourceType t : List.of(ResourceType.AE, ResourceType.CONTAINER, ResourceType.CONTENT_INSTANCE,
                ResourceType.CSE_BASE, ResourceType.SUBSCRIPTION)) {
            srt.add(t.code());
        }
        attrs.putArray("srv").add("2a").add("3").add("4").add("5");
        attrs.putArray("poa");
        attrs.put("pi", "").put("ty", ResourceType.CSE_BASE.code()).put("ct", now).put("lt", now);
        return new DemoResource(cseRi, settings.cseName(), ResourceType.CSE_BASE.code(), "", settings.cseName(), attrs);
    }

    // ---- responses ----

    /** What ACME puts on every response: {@code fr} = its CSE-ID, {@code to} = the originator, rvi echoed. */
    private ResponsePrimitive stamp(RequestPrimitive request, ResponsePrimitive rsp) {
        String rvi = request.rvi() != null ? request.rvi() : DEFAULT_RVI;
        return rsp.toBuilder().fr(settings.cseId()).to(request.fr()).rvi(rvi).ot(ids.now()).build();
    }

    private static ResponsePrimitive created(RequestPrimitive request, DemoResource r) {
        ResponsePrimitive.Builder b = ResponsePrimitive.builder(ResponseStatusCode.CREATED.code(), request.rqi());
        // rcn 0 = nothing (TS-0004 6.3.4.2.7); everything else the demo answers with the full resource.
        if (request.rcn() == null || request.rcn() != 0) {
            b.pc(r.representation());
        }
        return b.build();
    }

    private static ResponsePrimitive notFound(RequestPrimitive request) {
        return error(request, ResponseStatusCode.NOT_FOUND, "No resource with this ID: " + request.to());
    }

    private static ResponsePrimitive conflict(RequestPrimitive request, String rn) {
        return error(request, ResponseStatusCode.CONFLICT, "resource with this name already exists: " + rn);
    }

    private static ResponsePrimitive noPrivilege(RequestPrimitive request, String op, DemoResource target) {
        return error(request, ResponseStatusCode.ORIGINATOR_HAS_NO_PRIVILEGE,
                "originator: " + request.fr() + " has no " + op + " privileges for resource: " + target.ri());
    }

    private static ResponsePrimitive error(RequestPrimitive request, ResponseStatusCode code, String dbg) {
        return ResponsePrimitive.error(request, code, dbg);
    }

    private static CompletableFuture<ResponsePrimitive> done(ResponsePrimitive rsp) {
        return CompletableFuture.completedFuture(rsp);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        } else if (!array.isMissingNode() && !array.isNull()) {
            out.add(array.asText());
        }
        return out;
    }

    @Override
    public void close() {
        notifier.close();
    }
}
