package org.m2mbridge.core.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Predicate;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.StoredRequest;
import org.m2mbridge.core.codec.CodecLimits;
import org.m2mbridge.core.codec.Codecs;
import org.m2mbridge.core.codec.PrimitiveCodec;
import org.m2mbridge.core.codec.Serialization;
import org.m2mbridge.core.config.StoreSettings;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeliveryStore} over an ordered key-value map of entry id to record bytes: an MVStore map committed
 * before an offer is acknowledged (durable, see {@link BridgeStorage}) or a plain in-memory map ({@link #inMemory}).
 * Thread-safe (one monitor); the bus calls it from a single writer thread anyway. Only the small
 * index (id, entity, expiry, size) is kept on the heap; the serialized requests live in the map, so the payload
 * memory of the durable variant is MVStore's bounded page cache, not the store's content.
 *
 * <p>A record is {@code [format 2][entityId][expiresAt millis][incarnation][attempts][JSON request]}; the request is
 * written with the JSON codec so every parameter (rqi, fr, to, ec, rqet, ...) comes back as it arrived. Records of
 * format 1 (written before incarnations and attempts were kept: no such fields) are still read, as incarnation 0
 * and no attempt yet, and are rewritten in format 2 when their attempt count changes.
 */
public final class MapDeliveryStore implements DeliveryStore {
    private static final Logger LOG = LoggerFactory.getLogger(MapDeliveryStore.class);
    /** Entity, expiry, JSON request. */
    private static final byte FORMAT_1 = 1;
    /** Entity, expiry, incarnation, attempts, JSON request. */
    private static final byte FORMAT_2 = 2;

    private record Meta(long id, String entityId, Instant expiresAt, int bytes) {
    }

    private final Map<Long, byte[]> records;
    private final Runnable commit;
    private final PrimitiveCodec json;
    private final StoreBounds bounds;
    private final Map<String, TreeMap<Long, Meta>> byEntity = new LinkedHashMap<>();
    private final Map<String, Long> bytesByEntity = new LinkedHashMap<>();
    private final Map<Long, Meta> byId = new java.util.HashMap<>();
    private long totalBytes;
    private int totalCount;
    private long nextId = 1;
    private boolean closed;

    /** An in-memory delivery store bounded as {@code settings} say (tests, embedding). */
    public static MapDeliveryStore inMemory(StoreSettings settings) {
        return inMemory(new Codecs(CodecLimits.DEFAULT).get(Serialization.JSON), StoreBounds.of(settings));
    }

    /**
     * @param records iterated in key order at construction to rebuild the index
     * @param commit  makes the map's changes durable; called before {@link #offer} returns. Removals are not
     *                committed one by one: a removal lost in a crash only means the entry is delivered again
     *                (at-least-once), so they ride on the map's own periodic commit (MVStore: about 1 s)
     */
    public MapDeliveryStore(Map<Long, byte[]> records, Runnable commit, PrimitiveCodec json, StoreBounds bounds) {
        this.records = records;
        this.commit = commit;
        this.json = json;
        this.bounds = bounds;
        load();
    }

    public static MapDeliveryStore inMemory(PrimitiveCodec json, StoreBounds bounds) {
        return new MapDeliveryStore(new ConcurrentSkipListMap<>(), () -> { }, json, bounds);
    }

    private void load() {
        List<Long> unreadable = new ArrayList<>();
        for (Map.Entry<Long, byte[]> e : records.entrySet()) {
            try {
                Record r = Record.read(e.getValue());
                index(new Meta(e.getKey(), r.entityId(), r.expiresAt(), r.json().length));
            } catch (IOException | RuntimeException ex) {
                LOG.error("stored entry {} is unreadable and is dropped: {}", e.getKey(), ex.toString());
                unreadable.add(e.getKey());
            }
            nextId = Math.max(nextId, e.getKey() + 1);
        }
        unreadable.forEach(records::remove);
    }

    @Override
    public synchronized Offered offer(String entityId, long incarnation, RequestPrimitive request, Instant expiresAt,
                                      int attempts) {
        ensureOpen();
        expiresAt = expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // the precision it is stored with
        byte[] body = json.encode(request);
        Outcome outcome = bounds.admit(count(entityId), bytes(entityId), totalCount, totalBytes, body.length);
        if (outcome != Outcome.STORED) {
            return new Offered(outcome, Optional.empty());
        }
        long id = nextId++;
        records.put(id, new Record(entityId, expiresAt, incarnation, attempts, body).write());
        commit.run(); // durable before anyone is told "stored"
        Meta m = new Meta(id, entityId, expiresAt, body.length);
        index(m);
        return new Offered(outcome, Optional.of(new StoredRequest(id, entityId, request, expiresAt, body.length,
                incarnation, attempts)));
    }

    @Override
    public synchronized Optional<StoredRequest> attempted(long id) {
        ensureOpen();
        Meta m = byId.get(id);
        byte[] raw = m == null ? null : records.get(id);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            Record r = Record.read(raw);
            records.put(id, new Record(r.entityId(), r.expiresAt(), r.incarnation(), r.attempts() + 1, r.json())
                    .write());
        } catch (IOException | RuntimeException e) {
            LOG.error("stored entry {} for {} is unreadable: {}", id, m.entityId(), e.toString());
        }
        commit.run(); // a device that keeps closing must not reset its count by also making the bridge restart
        return load(m);
    }

    @Override
    public synchronized Optional<StoredRequest> peek(String entityId) {
        ensureOpen();
        while (true) {
            TreeMap<Long, Meta> q = byEntity.get(entityId);
            if (q == null || q.isEmpty()) {
                return Optional.empty();
            }
            Optional<StoredRequest> head = load(q.firstEntry().getValue());
            if (head.isPresent()) {
                return head;
            }
        }
    }

    @Override
    public synchronized Optional<StoredRequest> poll(String entityId) {
        Optional<StoredRequest> head = peek(entityId);
        head.ifPresent(h -> remove(h.id()));
        return head;
    }

    @Override
    public synchronized List<StoredRequest> pending(String entityId) {
        ensureOpen();
        TreeMap<Long, Meta> q = byEntity.get(entityId);
        List<StoredRequest> out = new ArrayList<>(q == null ? 0 : q.size());
        if (q != null) {
            for (Meta m : List.copyOf(q.values())) {
                load(m).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public synchronized boolean remove(long id) {
        ensureOpen();
        byte[] old = records.remove(id);
        if (old == null) {
            return false;
        }
        unindex(id);
        return true;
    }

    @Override
    public synchronized List<StoredRequest> removeIf(String entityId, Predicate<StoredRequest> which) {
        List<StoredRequest> matching = new ArrayList<>();
        for (StoredRequest s : pending(entityId)) {
            if (which.test(s)) {
                matching.add(s);
            }
        }
        return removeAndCommit(matching);
    }

    @Override
    public synchronized List<StoredRequest> purgeExpired(Instant now) {
        ensureOpen();
        List<StoredRequest> expired = new ArrayList<>();
        for (Meta m : List.copyOf(byId.values())) {
            if (!m.expiresAt().isAfter(now)) {
                load(m).ifPresent(expired::add);
            }
        }
        expired.sort(java.util.Comparator.comparingLong(StoredRequest::id));
        return removeAndCommit(expired);
    }

    private List<StoredRequest> removeAndCommit(List<StoredRequest> entries) {
        if (entries.isEmpty()) {
            return entries;
        }
        for (StoredRequest s : entries) {
            records.remove(s.id());
            unindex(s.id(), s.entityId());
        }
        return entries;
    }

    @Override
    public synchronized int count(String entityId) {
        TreeMap<Long, Meta> q = byEntity.get(entityId);
        return q == null ? 0 : q.size();
    }

    @Override
    public synchronized long bytes(String entityId) {
        return bytesByEntity.getOrDefault(entityId, 0L);
    }

    @Override
    public synchronized int count() {
        return totalCount;
    }

    @Override
    public synchronized long bytes() {
        return totalBytes;
    }

    @Override
    public synchronized Set<String> entities() {
        return Set.copyOf(byEntity.keySet());
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("delivery store is closed");
        }
    }

    /** Reads an indexed entry; an unreadable one is dropped (logged) so it cannot block its entity's queue. */
    private Optional<StoredRequest> load(Meta m) {
        byte[] raw = records.get(m.id());
        if (raw != null) {
            try {
                Record r = Record.read(raw);
                Optional<RequestPrimitive> request = json.decode(r.json()).request();
                if (request.isPresent()) {
                    return Optional.of(new StoredRequest(m.id(), m.entityId(), request.get(), m.expiresAt(),
                            m.bytes(), r.incarnation(), r.attempts()));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("stored entry {} for {} is unreadable: {}", m.id(), m.entityId(), e.toString());
            }
        }
        LOG.error("stored entry {} for {} is dropped: it does not decode as a request", m.id(), m.entityId());
        records.remove(m.id());
        unindex(m.id(), m.entityId());
        return Optional.empty();
    }

    private void index(Meta m) {
        byEntity.computeIfAbsent(m.entityId(), k -> new TreeMap<>()).put(m.id(), m);
        byId.put(m.id(), m);
        bytesByEntity.merge(m.entityId(), (long) m.bytes(), Long::sum);
        totalBytes += m.bytes();
        totalCount++;
    }

    private void unindex(long id) {
        Meta m = byId.get(id);
        if (m != null) {
            unindex(id, m.entityId());
        }
    }

    private void unindex(long id, String entityId) {
        TreeMap<Long, Meta> q = byEntity.get(entityId);
        Meta m = q == null ? null : q.remove(id);
        if (m == null) {
            return;
        }
        byId.remove(id);
        totalBytes -= m.bytes();
        totalCount--;
        long left = bytesByEntity.merge(entityId, (long) -m.bytes(), Long::sum);
        if (q.isEmpty()) {
            byEntity.remove(entityId);
            bytesByEntity.remove(entityId);
        } else {
            bytesByEntity.put(entityId, left);
        }
    }

    /** The stored form of one entry. */
    private record Record(String entityId, Instant expiresAt, long incarnation, int attempts, byte[] json) {

        byte[] write() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(json.length + entityId.length() + 32);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT_2);
                out.writeUTF(entityId);
                out.writeLong(expiresAt.toEpochMilli());
                out.writeLong(incarnation);
                out.writeInt(attempts);
                out.writeInt(json.length);
                out.write(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array stream does not fail
            }
            return bytes.toByteArray();
        }

        static Record read(byte[] raw) throws IOException {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(raw))) {
                byte format = in.readByte();
                if (format != FORMAT_1 && format != FORMAT_2) {
                    throw new IOException("unknown record format " + format);
                }
                String entityId = in.readUTF();
                Instant expiresAt = Instant.ofEpochMilli(in.readLong());
                long incarnation = format == FORMAT_2 ? in.readLong() : 0;
                int attempts = format == FORMAT_2 ? in.readInt() : 0;
                byte[] json = new byte[in.readInt()];
                in.readFully(json);
                return new Record(entityId, expiresAt, incarnation, attempts, json);
            }
        }
    }
}
