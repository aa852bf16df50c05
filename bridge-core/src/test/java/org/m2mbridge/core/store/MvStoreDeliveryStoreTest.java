package org.m2mbridge.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.Registration;
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
        first.registry().put(ae);
        first.registry().put(cse);
        first.registry().put(gone);
        first.registry().remove("Cgone");
        first.close();
        opened.remove(first);

        BridgeStorage second = openStorage(WIDE);
        assertEquals(2, second.registry().size());
        assertEquals(ae, second.registry().byEntityId("Cae1").orElseThrow());
        assertEquals(cse, second.registry().byToken("tok2").orElseThrow());
        assertTrue(second.registry().byEntityId("Cgone").isEmpty());
        assertTrue(second.registry().byToken("tok3").isEmpty());
        second.close();
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
