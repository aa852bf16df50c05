package org.m2mbridge.distribution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.m2mbridge.core.FailureWords;
import org.m2mbridge.core.config.AdminSettings;
import org.m2mbridge.core.config.ListenerConfig;
import org.m2mbridge.core.config.ListenerLimits;
import org.m2mbridge.core.metrics.BridgeMetrics;
import org.m2mbridge.listener.HttpListener;

/**
 * The admin listener ({@code listeners.admin}): {@code /metrics} (Prometheus text, or OpenMetrics when the scraper
 * asks for it in {@code Accept}), {@code /health/live}, {@code /health/ready}, {@code /api/status}, the store
 * commands of {@link StoreApi} ({@code /api/registrations}, {@code /api/stored}) and the
 * {@code /status} page (both behind {@code admin.token} when it is set). Its own small
 * Undertow server with its own connection limits and file-descriptor share ({@code admin.*}), so a flood on the
 * device or notification listeners never hides the bridge from monitoring.
 */
final class AdminServer implements AutoCloseable {
    /** Nothing is posted to the admin listener; a request body is never read. */
    private static final long MAX_BODY_BYTES = 64 * 1024;
    private final PrometheusRegistry registry;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final StatusReport report;
    private final Readiness readiness;
    private static final String STATUS_PAGE = resource("status.html");

    private final HttpHandler routes;
    private HttpListener server;

    private AdminServer(AdminSettings settings, PrometheusRegistry registry, StatusReport report,
                        Readiness readiness, StoreApi store, Supplier<ConfigReload.Outcome> reload) {
        this.registry = registry;
        this.report = report;
        this.readiness = readiness;
        AdminAccess access = new AdminAccess(settings);
        // Scraping walks every metric and may write a large body: off the I/O thread.
        HttpHandler metrics = new BlockingHandler(this::metrics);
        RoutingHandler routing = new RoutingHandler();
        store.addTo(routing, access);
        this.routes = routing
                .get("/metrics", settings.protectMetrics() ? access.guard(metrics, false) : metrics)
                .get("/health/live", AdminServer::live)
                .get("/health/ready", this::ready)
                // probes that look at the status alone (HAProxy, some load balancers) send HEAD
                .add(Methods.HEAD, "/health/live", AdminServer::live)
                .add(Methods.HEAD, "/health/ready", this::ready)
                // The status document reads the store: off the I/O thread too.
                .get("/api/status", access.guard(new BlockingHandler(
                        ex -> json(ex, StatusCodes.OK, text(report.status(StatusQuery.of(ex.getQueryParameters()))))),
                        false))
                .get("/status", access.guard(this::page, true))
                // as Prometheus' /-/reload: re-reads the file off the I/O thread (it reads key stores, may connect)
                .post("/-/reload", access.guard(new BlockingHandler(ex -> reloaded(ex, reload.get())), false))
                .setFallbackHandler(ex -> json(ex, StatusCodes.NOT_FOUND, "{\"error\":\"not found\"}"))
                .setInvalidMethodHandler(ex -> json(ex, StatusCodes.METHOD_NOT_ALLOWED,
                        "{\"error\":\"method not allowed\"}"));
    }

    /**
     * Binds the listener with {@code limits} (the {@code admin.*} limits within the listener's descriptor share);
     * a taken port fails here with the address in the message.
     */
    static AdminServer start(ListenerConfig listener, AdminSettings settings, ListenerLimits limits,
                             PrometheusRegistry registry, BridgeMetrics metrics, StatusReport report,
                             Readiness readiness, StoreApi store, Supplier<ConfigReload.Outcome> reload) {
        AdminServer admin = new AdminServer(settings, registry, report, readiness, store, reload);
        // One I/O thread; two task threads for the blocking handlers (scrape, status document).
        HttpListener.Spec spec = new HttpListener.Spec("admin", "admin", listener, limits, 1, 2, MAX_BODY_BYTES,
                UnaryOperator.identity());
        try {
            admin.server = HttpListener.start(spec, admin.routes, metrics);
        } catch (IOException | RuntimeException e) {
            throw new StartupFailure("admin listener cannot bind " + listener.host() + ":" + listener.port() + ": "
                    + FailureWords.describe(e), e);
        }
        return admin;
    }

    URI boundUri() {
        return server.bound();
    }

    private void metrics(HttpServerExchange ex) throws java.io.IOException {
        ExpositionFormatWriter writer = formats.findWriter(ex.getRequestHeaders().getFirst(Headers.ACCEPT));
        if (!writer.isAvailable()) { // protobuf needs an optional jar we do not ship
            writer = formats.getPrometheusTextFormatWriter();
        }
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, writer.getContentType());
        try (OutputStream out = ex.getOutputStream()) {
            writer.write(out, registry.scrape());
        }
    }

    /** The status page: static HTML whose script renders {@code /api/status} (no build step, no CDN). */
    private void page(HttpServerExchange ex) {
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        // The page runs only its own inline script and talks only to this listener.
        ex.getResponseHeaders().put(new HttpString("Content-Security-Policy"),
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(STATUS_PAGE);
    }

    /**
     * 200 with what was applied and what needs a restart; 400 when the new file was refused (the reason is the
     * operator's to fix), 500 when applying it failed; the running configuration is kept in both. 409 when the
     * bridge runs without a configuration file to reload (demo mode).
     */
    private static void reloaded(HttpServerExchange ex, ConfigReload.Outcome outcome) {
        ObjectNode body = StatusReport.JSON.createObjectNode();
        body.put("status", outcome.applied() ? "applied" : "refused");
        if (outcome.applied()) {
            outcome.changed().forEach(body.putArray("applied")::add);
            outcome.needsRestart().forEach(body.putArray("needsRestart")::add);
            outcome.warnings().forEach(body.putArray("warnings")::add);
        } else {
            body.put("error", outcome.error());
        }
        json(ex, outcome.applied() ? StatusCodes.OK : outcome.unavailable() ? StatusCodes.CONFLICT
                : outcome.invalid() ? StatusCodes.BAD_REQUEST : StatusCodes.INTERNAL_SERVER_ERROR, text(body));
    }

    private static void live(HttpServerExchange ex) {
        json(ex, StatusCodes.OK, "{\"status\":\"UP\"}");
    }

    private void ready(HttpServerExchange ex) {
        JsonNode detail = readiness.document();
        json(ex, "UP".equals(detail.path("status").asText()) ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE,
                text(detail));
    }

    private static void json(HttpServerExchange ex, int status, String body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(body);
    }

    private static String text(JsonNode node) {
        try {
            return StatusReport.JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = AdminServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the distribution jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes at once: a scrape or probe in flight is simply cut (the bindings have drained before this). */
    @Override
    public void close() {
        if (server != null) {
            server.stop(Duration.ZERO);
        }
    }
}
