package org.m2mbridge.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.bus.InMemoryEntityRegistry;
import org.m2mbridge.core.bus.Registration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry kept in a key-value map (entity ID to a small JSON record) that is committed on every change, and
 * mirrored in memory for lookups. Loaded at start, so an entity that reconnects after a restart or an appliance
 * upgrade is still registered and keeps its point-of-access token: no re-registration, and the upstream CSE's
 * {@code poa} for it stays valid.
 */
public final class DurableEntityRegistry implements EntityRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DurableEntityRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> records;
    private final Runnable commit;
    private final InMemoryEntityRegistry cache = new InMemoryEntityRegistry();

    public DurableEntityRegistry(Map<String, String> records, Runnable commit) {
        this.records = records;
        this.commit = commit;
        for (Map.Entry<String, String> e : records.entrySet()) {
            try {
                cache.put(read(e.getValue()));
            } catch (IOException | RuntimeException ex) {
                LOG.error("stored registration of {} is unreadable and is ignored: {}", e.getKey(), ex.toString());
            }
        }
    }

    @Override
    public synchronized void put(Registration registration) {
        records.put(registration.entityId(), write(registration));
        commit.run();
        cache.put(registration);
    }

    @Override
    public Optional<Registration> byEntityId(String entityId) {
        return cache.byEntityId(entityId);
    }

    @Override
    public Optional<Registration> byToken(String token) {
        return cache.byToken(token);
    }

    @Override
    public synchronized Optional<Registration> remove(String entityId) {
        if (records.remove(entityId) != null) {
            commit.run();
        }
        return cache.remove(entityId);
    }

    @Override
    public Collection<Registration> all() {
        return cache.all();
    }

    @Override
    public int size() {
        return cache.size();
    }

    static String write(Registration r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("entityId", r.entityId());
        n.put("kind", r.kind().name());
        n.put("upstream", r.upstream());
        n.put("token", r.token());
        n.put("rn", r.resourceName());
        n.put("ri", r.resourceId());
        r.originalPoa().forEach(n.putArray("originalPoa")::add);
        n.put("registeredAt", r.registeredAt() == null ? null : r.registeredAt().toString());
        n.put("incarnation", r.incarnation());
        n.put("expiresAt", r.expiresAt() == null ? null : r.expiresAt().toString());
        try {
            return JSON.writeValueAsString(n);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // an ObjectNode of strings always serializes
        }
    }

    /** Reads a record; one written before incarnations and expiry were kept reads as incarnation 0, no expiry. */
    static Registration read(String text) throws IOException {
        JsonNode n = JSON.readTree(text);
        List<String> poa = new ArrayList<>();
        n.path("originalPoa").forEach(p -> poa.add(p.asText()));
        return new Registration(n.path("entityId").asText(), Registration.Kind.valueOf(n.path("kind").asText()),
                n.path("upstream").asText(null), n.path("token").asText(), n.path("rn").asText(null),
                n.path("ri").asText(null), poa, instant(n.get("registeredAt")), n.path("incarnation").asLong(0),
                instant(n.get("expiresAt")));
    }

    private static Instant instant(JsonNode value) {
        return value == null || !value.isTextual() ? null : Instant.parse(value.asText());
    }
}
