package org.m2mbridge.distribution;

import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.InstanceLayout;
import org.m2mbridge.core.store.BridgeStorage;
import org.m2mbridge.core.store.StoreContents;
import org.m2mbridge.core.store.StoreUnavailableException;

/**
 * {@code m2m-bridge store registrations|queues|remove|purge} on a stopped bridge's durable store, found where the
 * bridge would open it ({@link InstanceLayout#storeDirectory}). A running bridge holds the store's lock: the command
 * then says so in one line and points to the admin API, which does the same on the live bridge ({@link StoreApi}).
 */
final class StoreCommands {

    private StoreCommands() {
    }

    /** Runs {@code cli}'s store command; returns the exit code (0 done, 1 store unavailable or entity absent). */
    static int run(BridgeCli.Invocation cli, BridgeConfig config, InstanceLayout layout, PrintStream out,
                   PrintStream err) {
        if (!config.store().durable()) {
            err.println("m2m-bridge: store.durable is false in this configuration: the bridge keeps nothing on disk");
            return Main.START_FAILED;
        }
        Codecs codecs = new Codecs(new CodecLimits(config.limits().maxMessageBytes(), config.limits().maxDepth()));
        try (BridgeStorage storage = BridgeStorage.openExisting(config.store(), codecs, layout)) {
            return switch (cli.action()) {
                case STORE_REGISTRATIONS -> registrations(storage, out);
                case STORE_QUEUES -> queues(storage, out);
                case STORE_REMOVE -> remove(storage, cli.entity(), out, err);
                case STORE_PURGE -> purge(storage, cli.entity(), out);
                default -> throw new IllegalArgumentException(cli.action().name());
            };
        } catch (StoreUnavailableException e) {
            if (e.reason() == StoreUnavailableException.Reason.LOCKED) {
                err.println("m2m-bridge: the store " + e.file() + " is in use by a running bridge; use its admin API"
                        + " instead: GET /api/registrations, DELETE /api/registrations/{id}[/queue] "
                        + "(docs/operations.md)");
            } else {
                err.println("m2m-bridge: " + e.getMessage());
            }
            return Main.START_FAILED;
        }
    }

    private static int registrations(BridgeStorage storage, PrintStream out) {
        List<StoreContents.RegisteredEntity> all = StoreContents.registrations(storage.registry(),
                storage.deliveries());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ENTITY", "KIND", "UPSTREAM", "REGISTERED", "EXPIRES", "STORED", "BYTES"});
        for (StoreContents.RegisteredEntity r : all) {
            rows.add(new String[] {r.entityId(), r.kind().name(), String.valueOf(r.upstream()), time(r.registeredAt()),
                    time(r.expiresAt()), Integer.toString(r.stored()), Long.toString(r.storedBytes())});
        }
        print(rows, out);
        out.println(all.size() + " registrations");
        return Main.OK;
    }

    private static int queues(BridgeStorage storage, PrintStream out) {
        List<StoreContents.Queue> all = StoreContents.queues(storage.registry(), storage.deliveries());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"ENTITY", "REGISTERED", "STORED", "BYTES", "OLDEST RQI", "OP", "EXPIRES", "ATTEMPTS"});
        for (StoreContents.Queue q : all) {
            rows.add(new String[] {q.entityId(), q.registered() ? "yes" : "no", Integer.toString(q.count()),
                    Long.toString(q.bytes()), q.oldest().map(o -> o.request().rqi()).orElse("-"),
                    q.oldest().map(o -> String.valueOf(o.request().op()).toLowerCase(Locale.ROOT)).orElse("-"),
                    q.oldest().map(o -> time(o.expiresAt())).orElse("-"),
                    q.oldest().map(o -> Integer.toString(o.attempts())).orElse("-")});
        }
        print(rows, out);
        out.println(storage.deliveries().count() + " stored requests (" + storage.deliveries().bytes() + " bytes) for "
                + all.size() + " entities");
        return Main.OK;
    }

    private static int remove(BridgeStorage storage, String entity, PrintStream out, PrintStream err) {
        int stored = storage.deliveries().count(entity);
        if (!storage.removeRegistration(entity)) {
            err.println("m2m-bridge: no registration of '" + entity + "' in the store"
                    + (stored > 0 ? "; its " + stored + " stored requests were removed" : ""));
            return Main.START_FAILED;
        }
        out.println("removed the registration of " + entity + " and its " + stored + " stored requests");
        return Main.OK;
    }

    private static int purge(BridgeStorage storage, String entity, PrintStream out) {
        out.println("purged " + storage.purgeStored(entity) + " stored requests of " + entity);
        return Main.OK;
    }

    private static String time(Instant t) {
        return t == null ? "-" : t.toString();
    }

    /** Left-aligned columns, two spaces apart. */
    private static void print(List<String[]> rows, PrintStream out) {
        int[] width = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
