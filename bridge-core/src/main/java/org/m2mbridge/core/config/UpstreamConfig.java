package org.m2mbridge.core.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.m2mbridge.core.codec.Serialization;

/**
 * An upstream CSE.
 *
 * @param name          unique name, used by routes and metrics labels
 * @param binding       the name of the installed binding that reaches it: http | mqtt | ws, or another installed one
 * @param url           the CSE's address, for a binding that reaches it by one ({@code http://127.0.0.1:8080},
 *                      {@code ws://...}); that binding checks it ({@link ConfigUrls#requireUrls})
 * @param cseId         the upstream's CSE-ID, SP-relative ({@code /id-in})
 * @param spId          the upstream's M2M-SP-ID ({@code //acme.example.com}), optional
 * @param serialization json | xml | cbor, used towards this upstream whatever the device speaks (binding ws: not
 *                      used; the subprotocol the server picks from {@code ws.subprotocols} decides, TS-0020 7.2.2.9)
 * @param timeout       per-request timeout towards this upstream when the request has no {@code rqet}
 *                      (default: {@code timeouts.request})
 * @param cseName       the resource name of the upstream's CSEBase ({@code cse-in} for ACME, {@code Mobius}), optional;
 *                      the {@code slashedCseBaseName} dialect repair needs it
 * @param keys          the keys installed bindings declare for an upstream ({@link BindingConfiguration#upstreamKeys}),
 *                      by key ({@code http}, {@code ws}, {@code broker}, ...): read them with {@link #key}
 */
public record UpstreamConfig(String name, String binding, String url, String cseId, String spId,
                             String serialization, Duration timeout, String cseName,
                             @JsonAnySetter @JsonDeserialize(contentUsing = BindingKeys.UpstreamKeys.class)
                             Map<String, Object> keys) {
    /** Without keys of other bindings. */
    public UpstreamConfig(String name, String binding, String url, String cseId, String spId, String serialization,
                          Duration timeout, String cseName) {
        this(name, binding, url, cseId, spId, serialization, timeout, cseName, null);
    }

    public UpstreamConfig {
        serialization = serialization == null ? "json" : serialization;
        keys = keys == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** The upstream key {@code key} an installed binding declares, as the type it declared; null when absent. */
    public <T> T key(String key, Class<T> type) {
        return type.cast(keys.get(key));
    }

    public Serialization serializationFormat() {
        return Serialization.fromToken(serialization).orElseThrow();
    }

    void validate(String key, InstalledBindings installed) {
        TreeSet<String> names = new TreeSet<>(installed.names());
        ConfigException.require(name != null && !name.isBlank(), key + ".name", "is required");
        ConfigException.require(binding != null, key + ".binding", "is required (" + String.join(" | ", names) + ")");
        ConfigException.require(names.contains(binding), key + ".binding",
                "must be one of " + String.join(", ", names) + "; got '" + binding + "'");
        ConfigException.require(Serialization.fromToken(serialization).isPresent(), key + ".serialization",
                "must be json, xml or cbor; got '" + serialization + "'");
        ConfigException.require(cseId != null && cseId.startsWith("/") && !cseId.startsWith("//"), key + ".cseId",
                "is required and must be SP-relative, e.g. /id-in; got '" + cseId + "'");
        ConfigException.require(spId == null || spId.startsWith("//"), key + ".spId",
                "must start with //, e.g. //acme.example.com; got '" + spId + "'");
        ConfigException.require(cseName == null || cseName.matches("^[^/\\s?#]+$"), key + ".cseName",
                "must be a resource name without '/', e.g. cse-in; got '" + cseName + "'");
        ConfigException.require(timeout == null || !timeout.isNegative() && !timeout.isZero(), key + ".timeout",
                "must be positive");
    }
}
