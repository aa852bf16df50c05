package org.m2mbridge.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.bus.StoredRequest;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.StoreSettings;

/** The durable store: the contract, plus content surviving close/reopen and a kill -9 of the writing process. */
class MvStoreDeliveryStoreTest extends DeliveryStoreContract {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);

    @TempDir
    Path dir;
    private final List<BridgeStorage> opened = new ArrayList<>();

    static StoreSettings settings(Path dir, StoreBounds b) {
        return new StoreSettings(true, true, dir.toString(), b.maxPerEntity(), b.maxBytesPerEntity(), b.maxTotal(),
                b.maxTotalBytes(), null, null, null, null);
    }

    private BridgeStorage openStorage(StoreBounds bounds) {
        BridgeStorage s = BridgeStorage.open(settings(dir, bounds), CODECS, Path.of(""));
        opened.add(s);
        return s;
    }

    @Override
    DeliveryStore open(StoreBounds bounds) {
        return openStorage(bounds).deliveries();
    }

    @AfterEach
    void closeStorages() {
        opened.forEach(BridgeStorage::close);
    }

    private static final StoreBounds WIDE = new StoreBounds(1000, 1 << 20, 100_000, 1 << 26);

    @Test
    void contentSurvivesCloseAndReopenWithOrderIdsAndAccounts() {
        BridgeStorage first = openStorage(WIDE);
        for (int i = 0; i < 10; i++) {
            first.deliveries().offer("Ca", Requests.notify("Ca", "a" + i), LATER);
        }
        first.deliveries().offer("Cb", Requests.notify("Cb", "b0"), LATER);
        first.deliveries().poll("Ca");
        List<StoredRequest> before = first.deliveries().pending("Ca");
        long bytes = first.deliveries().bytes();
        first.close();
        opened.remove(first);

        BridgeStorage second = openStorage(WIDE);
        assertEquals(before, second.deliveries().pending("Ca"));
        assertEquals(10, second.deliveries().count());
        assertEquals(bytes, second.deliveries().bytes());
        assertEquals("b0", second.deliveries().peek("Cb").orElseThrow().request().rqi());
        long lastId = before.get(before.size() - 1).id();
        assertTrue(second.deliveries().offer("Ca", Requests.notify("Ca", "new"), LATER).stored().orElseThrow().id()
                > lastId, "ids keep increasing across restarts, so arrival order holds");
        second.close();
    }

    @Test
    void registrySurvivesCloseAndReopen() {
        BridgeStorage first = openStorage(WIDE);
        Registration ae = new Registration("Cae1", Registration.Kind.AE, "in-cse", "tok1", "wsae", "ri1",
                List.of("ws://default", "http://10.0.0.9:7000"), Instant.parse("2026-11-25T10:00:00.123Z"));
        Registration cse = new Registration("/id-mn", Registration.Kind.CSE, "in-cse", "tok2", "mn", null,
                List.of(), Instant.parse("2026-11-25T10:00:01Z"));
        Registration gone = new Registration("Cgone", Registration.Kind.AE, "in-cse", "tok3", null, null, null,
                Instant.parse("2026-11-25T10:00:02Z"));
        Registration expiring = new Registration("Cexp", Registration.Kind.AE, "in-cse", "tok4", "exp", "ri4",
                List.of(), Instant.parse("2026-11-25T10:00:03Z"), -4_611_686_018_427_387_904L,
                Instant.parse("2031-11-24T10:00:03.250Z"));
        first.registry().put(ae);
        first.registry().put(cse);
        first.registry().put(expiring);
        first.registry().put(gone);
        first.registry().remove("Cgone");
        first.close();
        opened.remove(first);

        BridgeStorage second = openStorage(WIDE);
        assertEquals(3, second.registry().size());
        assertEquals(ae, second.registry().byEntityId("Cae1").orElseThrow());
        assertEquals(expiring, second.registry().byEntityId("Cexp").orElseThrow(), "incarnation and et kept");
        assertEquals(cse, second.registry().byToken("tok2").orElseThrow());
        assertTrue(second.registry().byEntityId("Cgone").isEmpty());
        assertTrue(second.registry().byToken("tok3").isEmpty());
        second.close();
    }

    @Test
    void theDeliveryAttemptCountSurvivesAReopen() {
        BridgeStorage first = openStorage(WIDE);
        long id = first.deliveries().offer("Ca", 5, Requests.notify("Ca", "a0"), LATER, 1).stored().orElseThrow()
                .id();
        first.deliveries().attempted(id);
        first.close();
        opened.remove(first);

        BridgeStorage second = openStorage(WIDE);
        StoredRequest head = second.deliveries().peek("Ca").orElseThrow();
        assertEquals(2, head.attempts());
        assertEquals(5, head.incarnation());
        second.close();
    }

    /** A store file written before incarnations, attempts and registration expiry existed. */
    @Test
    void aStoreWrittenByAnEarlierVersionStillOpensAndItsEntriesAreDelivered() throws Exception {
        byte[] json = JSON.encode(Requests.notify("Cold", "old-0"));
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(record)) { // format 1: [1][entity][expiry][length][json]
            out.writeByte(1);
            out.writeUTF("Cold");
            out.writeLong(LATER.toEpochMilli());
            out.writeInt(json.length);
            out.write(json);
        }
        MVStore old = new MVStore.Builder().fileName(dir.resolve(BridgeStorage.FILE_NAME).toString()).open();
        old.<Long, byte[]>openMap("deliveries").put(1L, record.toByteArray());
        old.<String, String>openMap("registrations").put("Cold", "{\"entityId\":\"Cold\",\"kind\":\"AE\","
                + "\"upstream\":\"in-cse\",\"token\":\"tok-old\",\"rn\":\"old\",\"ri\":\"Cold\","
                + "\"originalPoa\":[],\"registeredAt\":\"2026-01-02T03:04:05Z\"}");
        old.close();

        BridgeStorage upgraded = openStorage(WIDE);
        Registration r = upgraded.registry().byEntityId("Cold").orElseThrow();
        assertEquals(0, r.incarnation());
        assertNull(r.expiresAt());
        assertEquals("tok-old", r.token());
        StoredRequest head = upgraded.deliveries().peek("Cold").orElseThrow();
        assertEquals(Requests.notify("Cold", "old-0"), head.request());
        assertEquals(0, head.incarnation(), "same as the registration's: still delivered");
        assertEquals(0, head.attempts());
        assertEquals(1, upgraded.deliveries().attempted(head.id()).orElseThrow().attempts(), "rewritten as format 2");
        upgraded.close();
        opened.remove(upgraded);
        assertEquals(1, openStorage(WIDE).deliveries().peek("Cold").orElseThrow().attempts());
    }

    @Test
    @Timeout(60)
    void everyAcknowledgedEntrySurvivesKillMinus9OfTheWritingProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreWriterProcess.class.getName(), dir.toString(), "5000")
                .redirectError(dir.resolve("child.err").toFile());
        Process child = pb.start();
        List<String> acknowledged = new ArrayList<>();
        boolean registered = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            // Kill while the child is still writing: right after its 300th acknowledgement.
            while (acknowledged.size() < 300 && (line = out.readLine()) != null) {
                if (line.equals("REGISTERED Ckill")) {
                    registered = true;
                } else if (line.startsWith("STORED ")) {
                    acknowledged.add(line.substring(7));
                }
            }
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no MVStore close
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "child did not die");
        }
        assertTrue(registered, "child never registered; stderr: " + childErr());
        assertEquals(300, acknowledged.size(), "child stopped early; stderr: " + childErr());

        BridgeStorage reopened = openStorage(WIDE);
        List<String> stored = reopened.deliveries().pending("Ckill").stream().map(r -> r.request().rqi()).toList();
        assertTrue(stored.size() >= acknowledged.size(), "lost acknowledged entries: " + stored.size());
        assertEquals(acknowledged, stored.subList(0, acknowledged.size()), "every acknowledged entry, in order");
        assertEquals("tok-kill", reopened.registry().byEntityId("Ckill").orElseThrow().token());
        reopened.close();
    }

    private String childErr() throws java.io.IOException {
        File f = dir.resolve("child.err").toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }
}
