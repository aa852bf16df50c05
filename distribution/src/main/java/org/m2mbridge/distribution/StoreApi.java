package org.m2mbridge.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.StatusCodes;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.m2mbridge.core.bus.PrimitiveBus;
import org.m2mbridge.core.bus.DeliveryStore;
import org.m2mbridge.core.bus.EntityRegistry;
import org.m2mbridge.core.store.StoreContents;
import org.m2mbridge.core.bus.StoredRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store commands of a running bridge on the admin listener, behind {@code admin.token} like {@code /api/status}
 * (a stopped bridge's store is reached with {@code m2m-bridge store ...}; the running bridge holds its lock):
 * <ul>
 *   <li>{@code GET /api/registrations}: the registered entities with what is stored for each;</li>
 *   <li>{@code GET /api/stored}: per entity, the stored requests' count, bytes and the oldest;</li>
 *   <li>{@code DELETE /api/registrations/{id}}: ends the registration (its connection is unbound, what is stored for
 *       it dropped; the registrar is not told);</li>
 *   <li>{@code DELETE /api/registrations/{id}/queue}: drops what is stored for the entity, its registration kept.</li>
 * </ul>
 * A CSE-ID such as {@code /id-mn} is written with its slash encoded: {@code /api/registrations/%2Fid-mn}.
 */
final class StoreApi {
    private static final Logger LOG = LoggerFactory.getLogger(StoreApi.class);
    /** How long a purge may wait for the store's writer thread before the request is answered 503. */
    private static final long PURGE_WAIT_SECONDS = 10;

    private final PrimitiveBus bus;
    private final EntityRegistry registry;
    private final DeliveryStore stored;

    /** {@code registry} and {@code stored} are read as stored, the bus is asked what is bound and told to end. */
    StoreApi(PrimitiveBus bus, EntityRegistry registry, DeliveryStore stored) {
        this.bus = bus;
        this.registry = registry;
        this.stored = stored;
    }

    /** Adds the routes to {@code routes}, each behind {@code access}; the store is read off the I/O thread. */
    void addTo(RoutingHandler routes, AdminAccess access) {
        routes.get("/api/registrations", guarded(access, this::registrations))
                .get("/api/stored", guarded(access, this::queues))
                .delete("/api/registrations/{id}", guarded(access, this::remove))
                .delete("/api/registrations/{id}/queue", guarded(access, this::purge));
    }

    private static HttpHandler guarded(AdminAccess access, HttpHandler handler) {
        return access.guard(new BlockingHandler(handler), false);
    }

    private void registrations(HttpServerExchange ex) {
        ArrayNode list = StatusReport.JSON.createArrayNode();
        for (StoreContents.RegisteredEntity r : StoreContents.registrations(registry, stored)) {
            list.addObject().put("entityId", r.entityId()).put("kind", r.kind().name()).put("upstream", r.upstream())
                    .put("registeredAt", text(r.registeredAt())).put("expiresAt", text(r.expiresAt()))
                    .put("bound", bus.boundLink(r.entityId()).isPresent())
                    .put("stored", r.stored()).put("storedBytes", r.storedBytes());
        }
        send(ex, StatusCodes.OK, StatusReport.JSON.createObjectNode().set("registrations", list));
    }

    private void queues(HttpServerExchange ex) {
        ArrayNode list = StatusReport.JSON.createArrayNode();
        for (StoreContents.Queue q : StoreContents.queues(registry, stored)) {
            ObjectNode n = list.addObject().put("entityId", q.entityId()).put("registered", q.registered())
                    .put("count", q.count()).put("bytes", q.bytes());
            q.oldest().ifPresent(o -> oldest(n.putObject("oldest"), o));
        }
        send(ex, StatusCodes.OK, StatusReport.JSON.createObjectNode().set("stored", list));
    }

    private static void oldest(ObjectNode n, StoredRequest o) {
        n.put("rqi", o.request().rqi()).put("op", o.request().op() == null ? null : o.request().op().name()
                .toLowerCase(java.util.Locale.ROOT)).put("to", o.request().to()).put("expiresAt", text(o.expiresAt()))
                .put("attempts", o.attempts());
    }

    private void remove(HttpServerExchange ex) {
        String id = entity(ex);
        if (!bus.deregisterByOperator(id)) {
            send(ex, StatusCodes.NOT_FOUND, error("no registration of '" + id + "'"));
            return;
        }
        LOG.info("registration of {} removed by the operator (admin API)", id);
        send(ex, StatusCodes.OK, StatusReport.JSON.createObjectNode().put("removed", id));
    }

    private void purge(HttpServerExchange ex) {
        String id = entity(ex);
        try {
            int purged = bus.purgeStored(id).get(PURGE_WAIT_SECONDS, TimeUnit.SECONDS);
            LOG.info("{} stored requests of {} purged by the operator (admin API)", purged, id);
            send(ex, StatusCodes.OK, StatusReport.JSON.createObjectNode().put("entityId", id).put("purged", purged));
        } catch (ExecutionException | TimeoutException e) {
            send(ex, StatusCodes.SERVICE_UNAVAILABLE, error("the store is busy; try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(ex, StatusCodes.SERVICE_UNAVAILABLE, error("interrupted"));
        }
    }

    /** The {id} path segment; Undertow leaves an encoded slash encoded (CSE-IDs start with one). */
    private static String entity(HttpServerExchange ex) {
        return ex.getQueryParameters().get("id").getFirst().replace("%2F", "/").replace("%2f", "/");
    }

    private static ObjectNode error(String message) {
        return StatusReport.JSON.createObjectNode().put("error", message);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void send(HttpServerExchange ex, int status, ObjectNode body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        try {
            ex.getResponseSender().send(StatusReport.JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
