package org.m2mbridge.core.codec;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The three oneM2M serializations (TS-0004 8.3-8.5) with the names each transport uses for them: WebSocket
 * subprotocols (TS-0020 7.2.2.9, both the Release-2 and the Release-3 family), the MQTT topic suffix (TS-0010 6.4),
 * and HTTP media types (TS-0009 6.4.2). The one table of those names: bindings ask here instead of listing them.
 */
public enum Serialization {
    JSON("json", true, "application/json"),
    XML("xml", true, "application/xml"),
    CBOR("cbor", false, "application/cbor");
    private static final Serialization[] ALL = values(); // values() copies the array on every call

    private final String token;
    private final boolean text;
    private final String genericMediaType;

    Serialization(String token, boolean text, String genericMediaType) {
        this.token = token;
        this.text = text;
        this.genericMediaType = genericMediaType;
    }

    /** {@code json}, {@code xml}, {@code cbor}: the MQTT topic suffix and the config value. */
    public String token() {
        return token;
    }

    /** JSON and XML travel in WebSocket text frames, CBOR in binary frames (TS-0020 table 7.2.2.9-1). */
    public boolean isText() {
        return text;
    }

    /** {@code application/json} etc. */
    public String genericMediaType() {
        return genericMediaType;
    }

    /** {@code application/vnd.onem2m-res+json} etc. (TS-0004 6.7). */
    public String resourceMediaType() {
        return "application/vnd.onem2m-res+" + token;
    }

    /** {@code application/vnd.onem2m-ntfy+json} etc. */
    public String notificationMediaType() {
        return "application/vnd.onem2m-ntfy+" + token;
    }

    /** WebSocket subprotocol names for this serialization: Release 2 ({@code oneM2M.R2.0.json}) then R3+. */
    public List<String> webSocketSubprotocols() {
        return List.of(release2Subprotocol(), subprotocol());
    }

    /** The Release 3+ WebSocket subprotocol name, {@code oneM2M.json} (TS-0020 7.2.2.9). */
    public String subprotocol() {
        return "oneM2M." + token;
    }

    /** The Release 2 WebSocket subprotocol name, {@code oneM2M.R2.0.json} (TS-0020 7.2.2.9). */
    public String release2Subprotocol() {
        return "oneM2M.R2.0." + token;
    }

    /** Case-insensitive match of a WebSocket subprotocol name (TS-0020 spells them inconsistently, 7.2.2.7). */
    public static Optional<Serialization> fromSubprotocol(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim();
        for (Serialization s : ALL) {
            for (String candidate : s.webSocketSubprotocols()) {
                if (candidate.equalsIgnoreCase(n)) {
                    return Optional.of(s);
                }
            }
        }
        return Optional.empty();
    }

    /** {@code json|xml|cbor}, case-insensitive. */
    public static Optional<Serialization> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String t = token.trim().toLowerCase(Locale.ROOT);
        for (Serialization s : ALL) {
            if (s.token.equals(t)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Serialization named by an HTTP media type, parameters ignored and case-insensitive: the generic type, the
     * oneM2M vnd types ({@code -res}, {@code -ntfy}, {@code -preq}, {@code -prsp}) and {@code text/xml}.
     */
    public static Optional<Serialization> fromMediaType(String contentType) {
        if (contentType == null) {
            return Optional.empty();
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (Serialization s : ALL) {
            if (base.equals(s.genericMediaType) || (base.startsWith("application/vnd.onem2m-") && base.endsWith("+" + s.token))
                    || (s == XML && base.equals("text/xml"))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
