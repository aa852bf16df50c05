package org.m2mbridge.core.config;

import java.time.Duration;

/**
 * Store-and-forward of requests for registered entities that are offline, and the durable registry (TS-0020 6.2
 * MAY, R3 6.5 SHOULD; policy in docs/reliability.md).
 *
 * @param enabled           store requests from upstream for a registered but unconnected entity (default true);
 *                          false answers 5103 at once, as without a store
 * @param durable           keep stored requests and registrations in an MVStore file under {@code dataDir}
 *                          (default true); false keeps them in memory only (lost on restart)
 * @param dataDir           directory of the store file {@code bridge.mv.db}; relative to M2MBRIDGE_HOME (or the
 *                          working directory); default (null) the instance's data directory,
 *                          {@code M2MBRIDGE_DATA_DIR} or {@code data/} under the installation ({@link InstanceLayout})
 * @param maxPerEntity      stored requests per entity (default 1000)
 * @param maxBytesPerEntity stored bytes (JSON-serialized requests) per entity (default 1 MiB)
 * @param maxTotal          stored requests in total (default 100000)
 * @param maxTotalBytes     stored bytes in total (default 64 MiB)
 * @param defaultTtl        how long a request without {@code rqet} stays stored (default 10m)
 * @param maxTtl            no request stays stored longer than this, whatever its {@code rqet} (default 24h)
 * @param holdFor           how long the upstream's request is held open hoping the entity reconnects and answers
 *                          before the bridge answers 1000 ACCEPTED, or 5103 for a blocking request that is not
 *                          stored (default 2s, below Mobius' 2.5 s notification response timeout; 0 answers at once)
 * @param sweepInterval     how often expired stored requests and expired registrations are purged (default 5s)
 * @param maxDeliveryAttempts how many times one stored request is sent to its entity whose connection closes before
 *                          it answers; then it is dropped and the queue moves on (default 3)
 * @param storeBlockingRequests store blocking requests other than NOTIFY too (RETRIEVE, CREATE, ... with {@code rt}
 *                          absent or blocking); default false: they wait {@code holdFor} for the entity, then 5103
 */
public record StoreSettings(Boolean enabled, Boolean durable, String dataDir, Integer maxPerEntity,
                            Long maxBytesPerEntity, Integer maxTotal, Long maxTotalBytes, Duration defaultTtl,
                            Duration maxTtl, Duration holdFor, Duration sweepInterval, Integer maxDeliveryAttempts,
                            Boolean storeBlockingRequests) {
    public static final StoreSettings DEFAULTS = new StoreSettings(null, null, null, null, null, null, null, null,
            null, null, null, null, null);
    /** In memory, everything else default: for tests and for operators who do not want disk. */
    public static final StoreSettings IN_MEMORY = DEFAULTS.withDurable(false);

    public StoreSettings {
        enabled = enabled == null || enabled;
        durable = durable == null || durable;
        dataDir = dataDir == null || dataDir.isBlank() ? null : dataDir;
        maxPerEntity = maxPerEntity == null ? 1000 : maxPerEntity;
        maxBytesPerEntity = maxBytesPerEntity == null ? 1024L * 1024 : maxBytesPerEntity;
        maxTotal = maxTotal == null ? 100_000 : maxTotal;
        maxTotalBytes = maxTotalBytes == null ? 64L * 1024 * 1024 : maxTotalBytes;
        defaultTtl = defaultTtl == null ? Duration.ofMinutes(10) : defaultTtl;
        maxTtl = maxTtl == null ? Duration.ofHours(24) : maxTtl;
        holdFor = holdFor == null ? Duration.ofSeconds(2) : holdFor;
        sweepInterval = sweepInterval == null ? Duration.ofSeconds(5) : sweepInterval;
        maxDeliveryAttempts = maxDeliveryAttempts == null ? 3 : maxDeliveryAttempts;
        storeBlockingRequests = storeBlockingRequests != null && storeBlockingRequests;
    }

    /** The settings as they were before the delivery-attempt and blocking-request keys (defaults for both). */
    public StoreSettings(Boolean enabled, Boolean durable, String dataDir, Integer maxPerEntity,
                         Long maxBytesPerEntity, Integer maxTotal, Long maxTotalBytes, Duration defaultTtl,
                         Duration maxTtl, Duration holdFor, Duration sweepInterval) {
        this(enabled, durable, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes, defaultTtl, maxTtl,
                holdFor, sweepInterval, null, null);
    }

    public StoreSettings withDurable(boolean value) {
        return new StoreSettings(enabled, value, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes,
                defaultTtl, maxTtl, holdFor, sweepInterval, maxDeliveryAttempts, storeBlockingRequests);
    }

    public StoreSettings withEnabled(boolean value) {
        return new StoreSettings(value, durable, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes,
                defaultTtl, maxTtl, holdFor, sweepInterval, maxDeliveryAttempts, storeBlockingRequests);
    }

    public StoreSettings withHoldFor(Duration value) {
        return new StoreSettings(enabled, durable, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes,
                defaultTtl, maxTtl, value, sweepInterval, maxDeliveryAttempts, storeBlockingRequests);
    }

    public StoreSettings withMaxDeliveryAttempts(int value) {
        return new StoreSettings(enabled, durable, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes,
                defaultTtl, maxTtl, holdFor, sweepInterval, value, storeBlockingRequests);
    }

    public StoreSettings withStoreBlockingRequests(boolean value) {
        return new StoreSettings(enabled, durable, dataDir, maxPerEntity, maxBytesPerEntity, maxTotal, maxTotalBytes,
                defaultTtl, maxTtl, holdFor, sweepInterval, maxDeliveryAttempts, value);
    }

    void validate() {
        ConfigException.require(maxPerEntity > 0, "store.maxPerEntity", "must be positive");
        ConfigException.require(maxBytesPerEntity > 0, "store.maxBytesPerEntity", "must be positive");
        ConfigException.require(maxTotal >= maxPerEntity, "store.maxTotal", "must not be below store.maxPerEntity");
        ConfigException.require(maxTotalBytes >= maxBytesPerEntity, "store.maxTotalBytes",
                "must not be below store.maxBytesPerEntity");
        ConfigException.require(!defaultTtl.isNegative() && !defaultTtl.isZero(), "store.defaultTtl",
                "must be positive");
        ConfigException.require(maxTtl.compareTo(defaultTtl) >= 0, "store.maxTtl",
                "must not be shorter than store.defaultTtl");
        ConfigException.require(!holdFor.isNegative(), "store.holdFor", "must not be negative");
        ConfigException.require(!sweepInterval.isNegative() && !sweepInterval.isZero(), "store.sweepInterval",
                "must be positive");
        ConfigException.require(maxDeliveryAttempts >= 1, "store.maxDeliveryAttempts", "must be at least 1");
    }
}
