package org.m2mbridge.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.Serialization;
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

    /** Opens the storage {@code settings} describe; a relative {@code dataDir} is resolved against the home. */
    public static BridgeStorage open(StoreSettings settings, Codecs codecs) {
        String home = System.getenv("M2MBRIDGE_HOME");
        return open(settings, codecs, Path.of(home == null || home.isBlank() ? "" : home));
    }

    public static BridgeStorage open(StoreSettings settings, Codecs codecs, Path home) {
        StoreBounds bounds = StoreBounds.of(settings);
        if (!settings.durable()) {
            return new BridgeStorage(new InMemoryEntityRegistry(),
                    MapDeliveryStore.inMemory(codecs.get(Serialization.JSON), bounds), null);
        }
        Path dir = home.resolve(settings.dataDir()).toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store.dataDir " + dir, e);
        }
        Path file = dir.resolve(FILE_NAME);
        // Background auto-commit stays on: it persists removals (~1 s) and does the housekeeping (space reuse).
        // Durability of what is acknowledged comes from the explicit commit() after each store or registration.
        // Small pages: a commit rewrites the B-tree leaf it touched, so the page size is the write amplification.
        MVStore store = new MVStore.Builder().fileName(file.toString()).pageSplitSize(PAGE_BYTES).open();
        Runnable commit = store::commit;
        MVMap<String, String> registrations = store.openMap("registrations");
        MVMap<Long, byte[]> requests = store.openMap("deliveries");
        DurableEntityRegistry registry = new DurableEntityRegistry(registrations, commit);
        MapDeliveryStore deliveries = new MapDeliveryStore(requests, commit, codecs.get(Serialization.JSON), bounds);
        LOG.info("store {}: {} registrations, {} stored requests ({} bytes)", file, registry.size(),
                deliveries.count(), deliveries.bytes());
        return new BridgeStorage(registry, deliveries, store);
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
