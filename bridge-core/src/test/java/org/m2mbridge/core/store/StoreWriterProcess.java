package org.m2mbridge.core.store;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.m2mbridge.core.bus.Registration;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.StoreSettings;

/**
 * Child process of {@link MvStoreDeliveryStoreTest}: writes into a durable store and reports each acknowledged
 * write on stdout ({@code REGISTERED id}, {@code STORED rqi}), so the parent can kill it with kill -9 mid-stream
 * and check that everything acknowledged survived. Args: dataDir, number of requests.
 */
public final class StoreWriterProcess {
    private StoreWriterProcess() {
    }

    public static void main(String[] args) throws Exception {
        StoreSettings settings = new StoreSettings(true, true, args[0], null, null, null, null, null, null, null,
                null);
        int n = Integer.parseInt(args[1]);
        BridgeStorage storage = BridgeStorage.open(settings, new Codecs(CodecLimits.DEFAULT), Path.of(""));
        storage.registry().put(new Registration("Ckill", Registration.Kind.AE, "in-cse", "tok-kill", "kill",
                "ri-kill", List.of("ws://x"), Instant.parse("2026-01-02T03:04:05Z")));
        System.out.println("REGISTERED Ckill");
        System.out.flush();
        Instant later = Instant.now().plus(1, ChronoUnit.HOURS);
        for (int i = 0; i < n; i++) {
            String rqi = "k" + i;
            if (storage.deliveries().offer("Ckill", Requests.notify("Ckill", rqi, 200), later).accepted()) {
                System.out.println("STORED " + rqi);
                System.out.flush();
            }
        }
        System.out.println("DONE");
        System.out.flush();
        // Stay alive (not closing the store) until killed; bounded in case the parent is gone.
        new CountDownLatch(1).await(60, TimeUnit.SECONDS);
        System.exit(0);
    }
}
