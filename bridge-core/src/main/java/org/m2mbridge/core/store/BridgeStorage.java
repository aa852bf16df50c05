package org.m2mbridge.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.config.StoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bridge keeps across restarts: the entity registry and the delivery store, both in ONE MVStore file
 * ({@code <dataDir>/bridge.mv.db}) when {@code store.durable} is true, else in memory. A registration change or a
 * stored request is committed before the call that made it returns, so what was acknowledged survives kill -9;
 * removals follow within about a second (see docs/reliability.md, also for the choice of MVStore). Close it after
 * the bus ({@code PrimitiveBus.close()}).
 */
public final class BridgeStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BridgeStorage.class);
    public static final String FILE_NAME = "bridge.mv.db";
    private static final int PAGE_BYTES = 4096;

    private final EntityRegistry registry;
    private final DeliveryStore deliveries;
    private final MVStore mvStore;

    private BridgeStorage(EntityRegistry registry, DeliveryStore deliveries, MVStore mvStore) {
        this.registry = registry;
        this.deliveries = deliveries;
        this.mvStore = mvStore;
    }

    /** Opens the storage {@code settings} describe, in this process's {@link InstanceLayout}. */
    public static BridgeStorage open(StoreSettings settings, Codecs codecs) {
        return open(settings, codecs, InstanceLayout.current());
    }

    /** As {@link #open(StoreSettings, Codecs, InstanceLayout)} with {@code home} as the installation, nothing moved. */
    public static BridgeStorage open(StoreSettings settings, Codecs codecs, Path home) {
        return open(settings, codecs, InstanceLayout.of(Map.of(InstanceLayout.HOME, home.toString())));
    }

    /**
     * Opens (creating when needed) the store {@code settings} describe in {@code layout}'s data directory; throws
     * {@link StoreUnavailableException} with a one-line message when it cannot.
     */
    public static BridgeStorage open(StoreSettings settings, Codecs codecs, InstanceLayout layout) {
        StoreBounds bounds = StoreBounds.of(settings);
        if (!settings.durable()) {
            return new BridgeStorage(new InMemoryEntityRegistry(),
                    MapDeliveryStore.inMemory(codecs.get(Serialization.JSON), bounds), null);
        }
        Path dir = layout.storeDirectory(settings);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreUnavailableException(StoreUnavailableException.Reason.NOT_WRITABLE, dir,
                    "cannot create the store directory " + dir + " (store.dataDir, " + InstanceLayout.DATA_DIR + "): "
                            + ioProblem(e), e);
        }
        return openFile(dir.resolve(FILE_NAME), codecs, bounds);
    }

    /**
     * Opens the store file that already exists for {@code settings} in {@code layout}, for the operator's commands
     * on a stopped bridge ({@code m2m-bridge store ...}): never creates one, and a running bridge's lock is
     * reported as {@link StoreUnavailableException.Reason#LOCKED}.
     */
    public static BridgeStorage openExisting(StoreSettings settings, Codecs codecs, InstanceLayout layout) {
        Path file = layout.storeDirectory(settings).resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new StoreUnavailableException(StoreUnavailableException.Reason.MISSING, file,
                    "no store at " + file + " (nothing was stored yet, or store.dataDir / "
                            + InstanceLayout.DATA_DIR + " point elsewhere)", null);
        }
        return openFile(file, codecs, StoreBounds.of(settings));
    }

    private static BridgeStorage openFile(Path file, Codecs codecs, StoreBounds bounds) {
        // Background auto-commit stays on: it persists removals (~1 s) and does the housekeeping (space reuse).
        // Durability of what is acknowledged comes from the explicit commit() after each store or registration.
        // Small pages: a commit rewrites the B-tree leaf it touched, so the page size is the write amplification.
        MVStore store;
        try {
            store = new MVStore.Builder().fileName(file.toString()).pageSplitSize(PAGE_BYTES).open();
        } catch (MVStoreException e) {
            throw unavailable(file, e);
        }
        Runnable commit = store::commit;
        MVMap<String, String> registrations = store.openMap("registrations");
        MVMap<Long, byte[]> requests = store.openMap("deliveries");
        DurableEntityRegistry registry = new DurableEntityRegistry(registrations, commit);
        MapDeliveryStore deliveries = new MapDeliveryStore(requests, commit, codecs.get(Serialization.JSON), bounds);
        LOG.info("store {}: {} registrations, {} stored requests ({} bytes)", file, registry.size(),
                deliveries.count(), deliveries.bytes());
        return new BridgeStorage(registry, deliveries, store);
    }

    /** MVStore's error for a file it cannot open, as one line that says what to do. */
    private static StoreUnavailableException unavailable(Path file, MVStoreException e) {
        return switch (e.getErrorCode()) {
            case DataUtils.ERROR_FILE_LOCKED -> new StoreUnavailableException(StoreUnavailableException.Reason.LOCKED,
                    file, "the store " + file + " is locked by another process: is another m2m-bridge running on "
                    + "this data directory? Stop it, or give each instance its own " + InstanceLayout.DATA_DIR, e);
            case DataUtils.ERROR_READING_FAILED, DataUtils.ERROR_WRITING_FAILED ->
                    new StoreUnavailableException(StoreUnavailableException.Reason.NOT_WRITABLE, file,
                            "cannot open the store " + file + " for writing: " + ioProblem(e), e);
            default -> new StoreUnavailableException(StoreUnavailableException.Reason.UNREADABLE, file,
                    "cannot open the store " + file + ": " + firstLine(e.getMessage()), e);
        };
    }

    /** "permission denied", "read-only file system", ... from the innermost I/O error. */
    static String ioProblem(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return firstLine(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }

    private static String firstLine(String m) {
        int cut = m.indexOf(" [");
        return cut > 0 ? m.substring(0, cut) : m;
    }

    /**
     * Removes {@code entityId}'s registration and everything stored for it, committed before this returns; for the
     * operator's commands on a stopped bridge (a running one goes through its bus). False when it was not registered.
     */
    public boolean removeRegistration(String entityId) {
        boolean removed = registry.remove(entityId).isPresent();
        deliveries.removeAll(entityId);
        commit();
        return removed;
    }

    /** Removes what is stored for {@code entityId}, committed before this returns; returns how many. */
    public int purgeStored(String entityId) {
        int purged = deliveries.removeAll(entityId).size();
        commit();
        return purged;
    }

    private void commit() {
        if (mvStore != null) {
            mvStore.commit();
        }
    }

    public EntityRegistry registry() {
        return registry;
    }

    public DeliveryStore deliveries() {
        return deliveries;
    }

    @Override
    public void close() {
        deliveries.close();
        if (mvStore != null && !mvStore.isClosed()) {
            mvStore.close();
        }
    }
}
