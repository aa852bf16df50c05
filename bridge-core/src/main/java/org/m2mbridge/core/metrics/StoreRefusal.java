package org.m2mbridge.core.metrics;

/** The {@code reason} label of {@code m2mbridge_store_refused_total}: why a request for an offline entity was not stored. */
public enum StoreRefusal implements LabelValue {
    /** store.maxPerEntity or store.maxBytesPerEntity reached. */
    FULL_ENTITY,
    /** store.maxTotal or store.maxTotalBytes reached. */
    FULL_GLOBAL,
    /** The request asked for immediate execution (ec 2). */
    IMMEDIATE,
    /** The store writer is behind. */
    BUSY,
    /** A blocking request of a kind that is never stored; it waited store.holdFor. */
    BLOCKING;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
