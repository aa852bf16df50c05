package org.m2mbridge.core.store;

import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.config.StoreSettings;

/** The four bounds of a {@link DeliveryStore}; one place decides whether one more entry fits. */
public record StoreBounds(int maxPerEntity, long maxBytesPerEntity, int maxTotal, long maxTotalBytes) {

    public static StoreBounds of(StoreSettings s) {
        return new StoreBounds(s.maxPerEntity(), s.maxBytesPerEntity(), s.maxTotal(), s.maxTotalBytes());
    }

    /** Whether an entry of {@code size} bytes fits next to what is stored; the entity's bound is checked first. */
    public DeliveryStore.Outcome admit(int entityCount, long entityBytes, int totalCount, long totalBytes, int size) {
        if (entityCount + 1 > maxPerEntity || entityBytes + size > maxBytesPerEntity) {
            return DeliveryStore.Outcome.FULL_ENTITY;
        }
        if (totalCount + 1 > maxTotal || totalBytes + size > maxTotalBytes) {
            return DeliveryStore.Outcome.FULL_GLOBAL;
        }
        return DeliveryStore.Outcome.STORED;
    }
}
