package org.m2mbridge.core.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.m2mbridge.core.config.BridgeConfig;
import org.m2mbridge.core.config.DeviceDialect;
import org.m2mbridge.core.config.UpstreamConfig;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.core.primitive.RegistrationContent;
import org.m2mbridge.core.primitive.RequestPrimitive;
import org.m2mbridge.core.primitive.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where a device listener's {@link DeviceDialect} repairs requests on their way in, before the
 * registration gate and the bus see them; every device binding (ws, wss, deviceHttp, deviceMqtt) calls it. Each
 * repair is counted ({@code m2mbridge_dialect_repairs_total}) and logged once per connection ({@link Notes}), so an
 * operator sees which devices need which repair without a line per request. Without a dialect it returns the
 * request itself.
 */
public final class DialectRepair {
    private static final Logger LOG = LoggerFactory.getLogger(DialectRepair.class);

    /** Repairs nothing. */
    public static final DialectRepair NONE = new DialectRepair("none", DeviceDialect.NONE, Map.of(), null);

    private enum Repair {
        RVI("rvi"), TO("to"), SRV("srv");

        final String label;

        Repair(String label) {
            this.label = label;
        }
    }

    private final String listener;
    private final DeviceDialect dialect;
    /** CSEBase name -> what replaces {@code /<name>}: the name itself (CSE-relative) or {@code <cseId>/<name>}. */
    private final Map<String, String> cseBaseNames;
    private final BridgeMetrics metrics;

    private DialectRepair(String listener, DeviceDialect dialect, Map<String, String> cseBaseNames,
                          BridgeMetrics metrics) {
        this.listener = listener;
        this.dialect = dialect;
        this.cseBaseNames = Map.copyOf(cseBaseNames);
        this.metrics = metrics;
    }

    /**
     * The repair for the device listener {@code listener} ({@code ws}, {@code wss}, {@code deviceHttp},
     * {@code deviceMqtt}: the metrics label), or {@link #NONE} when its dialect repairs nothing.
     */
    public static DialectRepair of(String listener, DeviceDialect dialect, BridgeConfig config, BridgeMetrics metrics) {
        if (dialect == null || dialect.isEmpty()) {
            return NONE;
        }
        Map<String, String> names = new HashMap<>();
        if (dialect.slashedCseBaseName()) {
            for (UpstreamConfig u : config.upstreams()) {
                // "/<name>" that is some upstream's CSE-ID is an SP-relative address, never a slashed name
                if (u.cseName() != null && config.upstreams().stream()
                        .noneMatch(o -> o.cseId().equals("/" + u.cseName()))) {
                    // CSE-relative targets take the default route (docs/architecture.md "The bus"); any other
                    // upstream is named by its CSE-ID so the request still reaches the CSE whose name it used
                    boolean defaultRoute = u.name().equals(config.routes().defaultUpstream());
                    names.putIfAbsent(u.cseName(), defaultRoute ? u.cseName() : u.cseId() + "/" + u.cseName());
                }
            }
        }
        return new DialectRepair(listener, dialect, names, metrics);
    }

    /** True when this repair may change requests. */
    public boolean isActive() {
        return this != NONE;
    }

    /** What was logged already on one connection ({@code connection}: its id, for the log line). */
    public Notes notes(String connection) {
        return new Notes(connection);
    }

    /** {@code request} with the dialect's repairs applied (the same object when nothing applied). */
    public RequestPrimitive repair(RequestPrimitive request, Notes notes) {
        if (this == NONE) {
            return request;
        }
        RequestPrimitive.Builder b = null;
        if (dialect.defaultRvi() != null && (request.rvi() == null || request.rvi().isEmpty())) {
            b = request.toBuilder().rvi(dialect.defaultRvi());
            applied(Repair.RVI, request, notes, "no rvi: sent with rvi " + dialect.defaultRvi());
        }
        String to = cseRelative(request.to());
        if (to != null) {
            b = (b == null ? request.toBuilder() : b).to(to);
            applied(Repair.TO, request, notes, "to '" + request.to() + "' is a CSEBase name with a slash: sent to '"
                    + to + "'");
        }
        JsonNode pc = withSrv(request);
        if (pc != null) {
            b = (b == null ? request.toBuilder() : b).pc(pc);
            applied(Repair.SRV, request, notes, "registration without srv: sent with srv " + dialect.defaultSrv());
        }
        return b == null ? request : b.build();
    }

    /** The repaired {@code to} for {@code /<cseBaseName>[/...]}, else null. */
    private String cseRelative(String to) {
        if (cseBaseNames.isEmpty() || to == null || !to.startsWith("/") || to.startsWith("//")) {
            return null;
        }
        int end = to.indexOf('/', 1);
        String first = end < 0 ? to.substring(1) : to.substring(1, end);
        String replacement = cseBaseNames.get(first);
        return replacement == null ? null : replacement + (end < 0 ? "" : to.substring(end));
    }

    /** The content of a registration without {@code srv}, with the default one; else null. */
    private JsonNode withSrv(RequestPrimitive request) {
        if (dialect.defaultSrv().isEmpty() || !request.isRegistration() || !(request.pc() instanceof ObjectNode)) {
            return null;
        }
        String root = (request.ty() == ResourceType.REMOTE_CSE.code() ? ResourceType.REMOTE_CSE : ResourceType.AE)
                .rootName();
        JsonNode resource = request.pc().get(root);
        if (!(resource instanceof ObjectNode) || resource.hasNonNull(RegistrationContent.SRV)) {
            return null;
        }
        ObjectNode pc = ((ObjectNode) request.pc()).deepCopy();
        List<String> srv = dialect.defaultSrv();
        srv.forEach(((ObjectNode) pc.get(root)).putArray(RegistrationContent.SRV)::add);
        return pc;
    }

    private void applied(Repair repair, RequestPrimitive request, Notes notes, String what) {
        metrics.dialectRepairs.labelValues(listener, repair.label).inc();
        if (notes.first(repair)) {
            LOG.info("listener {}, connection {}, originator {}: {} (listeners.{}.dialect; logged once per "
                    + "connection)", listener, notes.connection, request.fr(), what, listener);
        }
    }

    /** Which repairs were logged on one connection already. Thread-safe. */
    public static final class Notes {
        private final String connection;
        private final AtomicInteger logged = new AtomicInteger();

        private Notes(String connection) {
            this.connection = connection;
        }

        /** True the first time {@code repair} is noted. */
        private boolean first(Repair repair) {
            int bit = 1 << repair.ordinal();
            return (logged.getAndUpdate(v -> v | bit) & bit) == 0;
        }
    }
}
