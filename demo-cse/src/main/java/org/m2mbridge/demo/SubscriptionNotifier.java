package org.m2mbridge.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.primitive.ResponseStatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the notifications of the {@link DemoCse}'s subscriptions (TEST/DEMO peer, not a product feature):
 * resolves each {@code nu} entry to a point of access (TS-0001 10.2.10.2: a URL as given, or the {@code poa} of the
 * AE the entry names) and hands the NOTIFY to the {@link NotificationTransport} of its scheme. Always on its own
 * small bounded pool, never on the request's thread, and every send bounded by the notification timeout.
 */
final class SubscriptionNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionNotifier.class);
    private static final String NOTIFY_RVI = "3";

    /** Where one NOTIFY goes: the URL, and the {@code to} the primitive carries (AE-ID, or the URL itself). */
    record Target(URI pointOfAccess, String to) {
    }

    private final String cseId;
    private final Duration timeout;
    private final DemoIdentifiers ids;
    private final Function<String, Optional<DemoResource>> resolver;
    private final Map<String, NotificationTransport> transports = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor executor;

    SubscriptionNotifier(String cseId, Duration timeout, DemoIdentifiers ids,
                         Function<String, Optional<DemoResource>> resolver) {
        this.cseId = cseId;
        this.timeout = timeout;
        this.ids = ids;
        this.resolver = resolver;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "demo-cse-notify-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    void register(String scheme, NotificationTransport transport) {
        transports.put(scheme.toLowerCase(Locale.ROOT), transport);
    }

    /** The delivery target of one {@code nu} entry, if it can be reached with a registered transport. */
    Optional<Target> target(String nu) {
        if (nu == null || nu.isEmpty()) {
            return Optional.empty();
        }
        if (nu.contains("://")) {
            return uri(nu).filter(this::supported).map(u -> new Target(u, nu));
        }
        Optional<DemoResource> ae = resolver.apply(nu).filter(r -> r.ty() == ResourceType.AE.code());
        if (ae.isEmpty()) {
            return Optional.empty();
        }
        JsonNode poa = ae.get().attrs().path("poa");
        for (JsonNode p : poa) {
            Optional<URI> u = uri(p.asText()).filter(this::supported);
            if (u.isPresent()) {
                return Optional.of(new Target(u.get(), ae.get().ri()));
            }
        }
        return Optional.empty();
    }

    /**
     * Sends the verification request ({@code vrq}, TS-0004 7.3.8.2.1 / primitives.md 10) to every entry of
     * {@code nus}; true when all answered 2000.
     */
    CompletableFuture<Boolean> verify(List<String> nus, String sur, String creator) {
        ObjectNode sgn = JsonNodeFactory.instance.objectNode().put("vrq", true).put("sur", sur);
        if (creator != null) {
            sgn.put("cr", creator);
        }
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (String nu : nus) {
            Optional<Target> t = target(nu);
            if (t.isEmpty()) {
                LOG.info("demo-cse: verification of {} impossible: no reachable point of access", nu);
                return CompletableFuture.completedFuture(false);
            }
            all.add(send(t.get(), sgn).handle((rsp, err) -> err == null && rsp.rsc() == ResponseStatusCode.OK.code()));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(v -> all.stream().allMatch(CompletableFuture::join));
    }

    /** Fire-and-forget notification of {@code sgn} to every entry of {@code nus}; failures are only logged. */
    void notifyAll(List<String> nus, ObjectNode sgn) {
        notifyTargets(targets(nus), sgn);
    }

    /** The reachable targets of {@code nus}, resolved now (before the AEs they name may disappear). */
    List<Target> targets(List<String> nus) {
        List<Target> out = new ArrayList<>();
        for (String nu : nus) {
            Optional<Target> t = target(nu);
            if (t.isPresent()) {
                out.add(t.get());
            } else {
                LOG.info("demo-cse: notification target {} has no reachable point of access", nu);
            }
        }
        return out;
    }

    void notifyTargets(List<Target> targets, ObjectNode sgn) {
        for (Target t : targets) {
            send(t, sgn).whenComplete((rsp, err) -> {
                if (err != null) {
                    LOG.info("demo-cse: notification to {} failed: {}", t.to(), err.toString());
                } else if (rsp.rsc() != ResponseStatusCode.OK.code()) {
                    LOG.info("demo-cse: notification to {} answered {}", t.to(), rsp.rsc());
                }
            });
        }
    }

    /** One NOTIFY (TS-0004 7.4.1.2.3 wording: op 5, fr = notifying CSE, pc = {"m2m:sgn": ...}). */
    CompletableFuture<ResponsePrimitive> send(Target target, ObjectNode sgn) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.set("m2m:sgn", sgn.deepCopy());
        RequestPrimitive notify = RequestPrimitive.builder().op(Operation.NOTIFY).to(target.to()).fr(cseId)
                .rqi(ids.random(10)).rvi(NOTIFY_RVI).ot(ids.now()).pc(pc).build();
        NotificationTransport transport = transports.get(target.pointOfAccess().getScheme().toLowerCase(Locale.ROOT));
        CompletableFuture<ResponsePrimitive> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    transport.send(target.pointOfAccess(), notify).whenComplete((rsp, err) -> {
                        if (err != null) {
                            result.completeExceptionally(err);
                        } else {
                            result.complete(rsp);
                        }
                    });
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException rejected) {
            result.completeExceptionally(rejected);
        }
        return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private boolean supported(URI u) {
        return u.getScheme() != null && transports.containsKey(u.getScheme().toLowerCase(Locale.ROOT));
    }

    private static Optional<URI> uri(String s) {
        try {
            return Optional.of(URI.create(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
