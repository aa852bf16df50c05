package org.m2mbridge.core.bus;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.Operation;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResponsePrimitive;
import org.m2mbridge.core.store.BridgeStorage;
import org.m2mbridge.core.testing.Await;
import org.m2mbridge.core.testing.RecordingLink;
import org.m2mbridge.core.testing.ScriptedUpstream;
import org.m2mbridge.core.testing.TestBus;

/**
 * What the store-and-forward tests share: a real bus per test (closed after it), requests from the upstream CSE,
 * registrations through the bus, and a device that answers what reaches its link.
 */
abstract class StoreTestSupport {
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration ANSWER_POLL = Duration.ofMillis(1);
    static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);
    final ScriptedUpstream upstream = new ScriptedUpstream("in-cse", "/id-in");
    final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** In memory, with the given hold, bounds and sweep interval; other keys default. */
    static StoreSettings settings(Duration holdFor, int maxPerEntity, int maxTotal, Duration sweep) {
        return new StoreSettings(true, false, null, maxPerEntity, null, maxTotal, null, null, null, holdFor, sweep);
    }

    /** Durable in the test's directory, with the given hold and sweep interval. */
    StoreSettings durable(Duration holdFor, Duration sweep) {
        return new StoreSettings(true, true, dir.toString(), null, null, null, null, null, null, holdFor, sweep);
    }

    TestBus bus(StoreSettings s) {
        TestBus t = new TestBus(Duration.ofSeconds(5), s, upstream);
        closing.add(t);
        return t;
    }

    /** A bus over the durable storage in the test's directory, as a bridge (re)started on it has. */
    TestBus restartedBus(StoreSettings s) {
        BridgeStorage storage = BridgeStorage.open(s, CODECS, Path.of(""));
        closing.add(storage);
        TestBus t = new TestBus(Duration.ofSeconds(5), s, storage.registry(), storage.deliveries(), upstream);
        closing.add(t);
        return t;
    }

    /** Stops a bus and its storage as a bridge that shuts down does (bus first). */
    void stop(TestBus t) throws Exception {
        int at = closing.indexOf(t);
        closing.remove(at).close();
        closing.remove(at - 1).close();
    }

    static void registerOffline(TestBus t, String entityId) {
        t.bus.registry().put(new Registration(entityId, Registration.Kind.AE, "in-cse", "tok-" + entityId, "rn",
                entityId, List.of(), Instant.now()));
    }

    /** CREATE {@code <AE>} named {@code rn} by originator {@code aeId} (the scripted CSE keeps the ID). */
    static RequestPrimitive createAe(String aeId, String rn) {
        return RequestPrimitive.builder().op(Operation.CREATE).to("cse-in").fr(aeId).rqi("reg-" + rn).rvi("3")
                .ty(2).pc(JsonNodeFactory.instance.objectNode().set("m2m:ae", JsonNodeFactory.instance.objectNode()
                        .put("rn", rn).put("api", "N" + rn).put("rr", false)))
                .build();
    }

    static RequestPrimitive notify(String to, String rqi, String sur) {
        ObjectNode pc = JsonNodeFactory.instance.objectNode();
        pc.putObject("m2m:sgn").put("sur", sur);
        return RequestPrimitive.builder().op(Operation.NOTIFY).to(to).fr("/id-in").rqi(rqi).rvi("3").pc(pc).build();
    }

    static RequestPrimitive notify(String to, String rqi) {
        return notify(to, rqi, "/id-in/sub1");
    }

    static CompletableFuture<ResponsePrimitive> fromUpstream(TestBus t, RequestPrimitive r) {
        return t.bus.send(r, Origin.upstream("http", "cse"));
    }

    static CompletableFuture<ResponsePrimitive> fromDevice(TestBus t, RequestPrimitive r, Link link) {
        return t.bus.send(r, Origin.downstream(link));
    }

    static ResponsePrimitive await(CompletableFuture<ResponsePrimitive> f) throws Exception {
        return f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static int stored(TestBus t) {
        return (int) t.metrics.storedPrimitives.get();
    }

    static double dropped(TestBus t, String reason) {
        return t.metrics.storeDropped.labelValues(reason).get();
    }

    static String dbg(ResponsePrimitive r) {
        return r.pc() == null ? "" : r.pc().path("m2m:dbg").asText();
    }

    /** The device answers the {@code index}-th request on its wire once it arrives. */
    static String answer(RecordingLink link, int index, int rsc) {
        // A drain sends the next stored request only after the previous answer: a look every 10 ms would cost
        // 10 ms per request (10 s for a thousand); the condition is a list size, cheap to look at every 1 ms.
        Await.until(WAIT, ANSWER_POLL, () -> link.wire.size() > index, () -> "request #" + index + " on " + link.id());
        String rqi = link.wire.get(index).rqi();
        assertTrue(link.respond(rqi, rsc), "nothing outstanding for " + rqi);
        return rqi;
    }

    /** The connection goes away while the device still owes answers, as a closing WsSession does it. */
    static void connectionCloses(TestBus t, String entityId, RecordingLink link) {
        t.bus.unbind(entityId, link);
        link.correlator().closeAll("connection " + link.id() + " closed");
    }

    /** Lets {@code millis} pass (for expiry times); bounded, without sleeping for a condition. */
    static void timePasses(long millis) {
        long from = System.nanoTime();
        Await.until(Duration.ofMillis(millis).plus(WAIT), () -> System.nanoTime() - from
                > TimeUnit.MILLISECONDS.toNanos(millis), () -> millis + " ms pass");
    }
}
