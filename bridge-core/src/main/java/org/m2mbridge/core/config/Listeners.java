package org.m2mbridge.core.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * At least one device-facing listener ({@code ws}, {@code wss}, or one an installed binding declares such as
 * {@code deviceHttp} or {@code deviceMqtt}) is required. With TLS configured, leave {@code ws} out: plain ws
 * carries no identity and is only for the secure environment TS-0020 8 allows.
 *
 * @param ws    devices connect here over plain WebSocket (TS-0020)
 * @param admin {@code /metrics}, {@code /health/*}, status API
 * @param wss   devices connect here over WebSocket on TLS, normally with client certificates (TS-0020 8); needs
 *              {@code tls}
 * @param owned the listeners installed bindings declare ({@link BindingConfiguration#listeners}), by key
 */
public record Listeners(ListenerConfig ws, ListenerConfig admin, ListenerConfig wss,
                        @JsonAnySetter @JsonDeserialize(contentUsing = BindingKeys.ListenerKeys.class)
                        Map<String, Object> owned) {

    public Listeners {
        Map<String, Object> configured = new LinkedHashMap<>();
        if (owned != null) {
            owned.forEach((key, listener) -> {
                if (listener != null) { // "echo:" with nothing under it: not configured, as for core's keys
                    configured.put(key, listener);
                }
            });
        }
        owned = Collections.unmodifiableMap(configured);
    }

    /** Core's listeners only. */
    public Listeners(ListenerConfig ws, ListenerConfig admin, ListenerConfig wss) {
        this(ws, admin, wss, null);
    }

    /**
     * Every configured listener by its key under {@code listeners:} ({@code ws}, {@code deviceMqtt}, ...), in file
     * order of the documented keys: what a binding's {@code listenerKeys()} names.
     */
    public Map<String, Object> configured() {
        Map<String, Object> out = new LinkedHashMap<>();
        put(out, "ws", ws);
        put(out, "wss", wss);
        put(out, "admin", admin);
        out.putAll(owned);
        return out;
    }

    /** The listener {@code key} an installed binding declares, as the type it declared; null when not configured. */
    public <T> T get(String key, Class<T> type) {
        return type.cast(owned.get(key));
    }

    private static void put(Map<String, Object> out, String key, Object listener) {
        if (listener != null) {
            out.put(key, listener);
        }
    }

    /**
     * The dialect of each configured device listener, by its key ({@code listeners.ws}, ...), those of
     * {@code installed} bindings included.
     */
    public Map<String, DeviceDialect> deviceDialects(InstalledBindings installed) {
        Map<String, DeviceDialect> out = new LinkedHashMap<>();
        if (ws != null) {
            out.put("listeners.ws", ws.dialect());
        }
        if (wss != null) {
            out.put("listeners.wss", wss.dialect());
        }
        for (String key : installed.deviceListeners()) {
            if (owned.get(key) instanceof DeviceListener device) {
                out.put("listeners." + key, device.dialect());
            }
        }
        return out;
    }

    void validate(InstalledBindings installed) {
        StringBuilder others = new StringBuilder("listeners.wss");
        installed.deviceListeners().forEach(key -> others.append(", listeners.").append(key));
        ConfigException.require(!deviceDialects(installed).isEmpty(), "listeners.ws", "is required (or " + others + ")");
        if (ws != null) {
            ws.validatePlain("listeners.ws");
        }
        if (wss != null) {
            wss.validateTls("listeners.wss");
        }
        if (admin != null) {
            admin.validatePlain("listeners.admin");
            admin.validateNotForDevices("listeners.admin");
        }
    }
}
