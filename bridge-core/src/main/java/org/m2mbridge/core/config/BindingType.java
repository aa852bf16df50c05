package org.m2mbridge.core.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Which binding reaches an upstream CSE. */
public enum BindingType {
    HTTP, MQTT, WS;

    @JsonCreator
    public static BindingType parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("must be one of http, mqtt, ws; got '" + value + "'");
        }
    }

    @JsonValue
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
