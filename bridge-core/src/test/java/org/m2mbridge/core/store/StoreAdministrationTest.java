package org.m2mbridge.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.StoreSettings;

/**
 * Issue 16.2 and 16.6: the store's own answers for an operator. Where it lives (the instance's data directory), why
 * it cannot be opened in one line (a directory that cannot be created, another process's lock), and the narrow
 * operations of the store commands on a stopped bridge, all on real files.
 */
@Timeout(60)
class StoreAdministrationTest {
    private static final Codecs CODECS = new Codecs(CodecLimits.DEFAULT);

    @TempDir
    Path dir;

    private InstanceLayout layout(Path data) {
        return InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.resolve("install").toString(),
                InstanceLayout.DATA_DIR, data.toString()));
    }

    @Test
    void withoutStoreDataDirTheStoreLivesInTheInstancesDataDirectory() {
        Path data = dir.resolve("var/lib/m2m-bridge");
        try (BridgeStorage s = BridgeStorage.open(StoreSettings.DEFAULTS, CODECS, layout(data))) {
            assertTrue(Files.isRegularFile(data.resolve(BridgeStorage.FILE_NAME)));
        }
        assertFalse(Files.exists(dir.resolve("install/data")), "nothing written under the installation");
        Path inPlace = InstanceLayout.of(Map.of(InstanceLayout.HOME, dir.toString())).storeDirectory(StoreSettings.DEFAULTS);
        assertEquals(dir.resolve("data").toAbsolutePath(), inPlace, "the unpacked tarball keeps data/ beside bin/");
    }

    @Test
    void aDirectoryThatCannotBeCreatedIsOneLineNamingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> BridgeStorage.open(StoreSettings.DEFAULTS, CODECS, layout(file.resolve("data"))));
        assertEquals(StoreUnavailableException.Reason.NOT_WRITABLE, e.reason());
        assertTrue(e.getMessage().startsWith("cannot create the store directory " + file.resolve("data")), e.getMessage());
        assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("Exception"), e.getMessage());
    }

    /** A second bridge on the same data directory: MVStore's "The file is locked" said as what to do. */
    @Test
    void aStoreLockedByAnotherProcessSaysSo() throws Exception {
        Path data = dir.resolve("data");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StoreWriterProcess.class.getName(), data.toString(), "1")
                .redirectError(dir.resolve("child.err").toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null && !line.equals("DONE"); line = out.readLine()) {
                // wait until the child holds the store open
            }
            StoreSettings settings = StoreSettings.DEFAULTS;
            for (java.util.function.Supplier<BridgeStorage> open : List.<java.util.function.Supplier<BridgeStorage>>of(
                    () -> BridgeStorage.open(settings, CODECS, layout(data)),
                    () -> BridgeStorage.openExisting(settings, CODECS, layout(data)))) {
                StoreUnavailableException e = assertThrows(StoreUnavailableException.class, open::get);
                assertEquals(StoreUnavailableException.Reason.LOCKED, e.reason());
                assertTrue(e.getMessage().contains("is locked by another process")
                        && e.getMessage().contains("another m2m-bridge running"), e.getMessage());
                assertFalse(e.getMessage().contains("MVStoreException"), e.getMessage());
            }
        } finally {
            holder.destroyForcibly();
            assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
        }
    }

    @Test
    void theAdministrationCommandsNeverCreateAStore() {
        Path data = dir.resolve("empty");
        StoreUnavailableException e = assertThrows(StoreUnavailableException.class,
                () -> BridgeStorage.openExisting(StoreSettings.DEFAULTS, CODECS, layout(data)));
        assertEquals(StoreUnavailableException.Reason.MISSING, e.reason());
        assertFalse(Files.exists(data));
    }

    @Test
    void listRemoveAndPurgeOnAStoppedBridgesFileAreDurable() {
        Path data = dir.resolve("data");
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS);
        try (BridgeStorage s = BridgeStorage.open(StoreSettings.DEFAULTS, CODECS, layout(data))) {
            for (String ae : List.of("Cone", "Ctwo")) {
                s.registry().put(new Registration(ae, Registration.Kind.AE, "in-cse", "tok-" + ae, ae, "ri-" + ae,
                        List.of(), Instant.parse("2026-01-02T03:04:05Z")));
            }
            s.deliveries().offer("Cone", Requests.notify("Cone", "first"), later);
            s.deliveries().offer("Cone", Requests.notify("Cone", "second"), later);
            s.deliveries().offer("Ctwo", Requests.notify("Ctwo", "only"), later);
        }
        try (BridgeStorage s = BridgeStorage.openExisting(StoreSettings.DEFAULTS, CODECS, layout(data))) {
            List<StoreContents.RegisteredEntity> regs = StoreContents.registrations(s.registry(), s.deliveries());
            assertEquals(List.of("Cone", "Ctwo"), regs.stream().map(StoreContents.RegisteredEntity::entityId).toList());
            assertEquals(2, regs.get(0).stored());
            List<StoreContents.Queue> queues = StoreContents.queues(s.registry(), s.deliveries());
            assertEquals("first", queues.get(0).oldest().orElseThrow().request().rqi(), "the oldest is the head");
            assertEquals(2, s.purgeStored("Cone"));
            assertTrue(s.removeRegistration("Ctwo"));
            assertFalse(s.removeRegistration("Cnobody"));
        }
        try (BridgeStorage s = BridgeStorage.openExisting(StoreSettings.DEFAULTS, CODECS, layout(data))) {
            assertEquals(List.of("Cone"), s.registry().all().stream().map(Registration::entityId).toList(),
                    "Cone's registration kept, Ctwo's removed");
            assertEquals(0, s.deliveries().count(), "Cone's queue purged, Ctwo's removed with it");
        }
    }
}
