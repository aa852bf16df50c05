package org.m2mbridge.core.config;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * At least one device-facing listener (one an installed binding declares, such as {@code ws}, {@code wss},
 * {@code deviceHttp} or {@code deviceMqtt}) is required.
 *
 * @param admin {@code /metrics}, {@code /health/*}, status API
 * @param owned the listeners installed bindings declare ({@link BindingConfiguration#listeners}), by key
 */
public record Listeners(ListenerConfig admin,
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

    /** Core's listener only. */
    public Listeners(ListenerConfig admin) {
        this(admin, null);
    }

    /**
     * Every configured listener by its key under {@code listeners:} ({@code ws}, {@code deviceMqtt}, ...), the
     * bindings' in file order, then {@code admin}: what a binding's {@code listenerKeys()} names.
     */
    public Map<String, Object> configured() {
        Map<String, Object> out = new LinkedHashMap<>(owned);
        if (admin != null) {
            out.put("admin", admin);
        }
        return out;
    }

    /** The listener {@code key} an installed binding declares, as the type it declared; null when not configured. */
    public <T> T get(String key, Class<T> type) {
        return type.cast(owned.get(key));
    }

    /** The dialect of each configured device listener of the {@code installed} bindings, by its key. */
    public Map<String, DeviceDialect> deviceDialects(InstalledBindings installed) {
        Map<String, DeviceDialect> out = new LinkedHashMap<>();
        for (String key : installed.deviceListeners()) {
            if (owned.get(key) instanceof DeviceListener device) {
                out.put("listeners." + key, device.dialect());
            }
        }
        return out;
    }

    /**
     * One device listener is required, named by what the installed bindings declare (all shipped:
     * {@code listeners.ws: is required (or listeners.wss, listeners.deviceHttp, listeners.deviceMqtt)}); every socket
     * listener is checked as a TLS, plain, device or other listener.
     */
    void validate(InstalledBindings installed) {
        List<String> devices = installed.deviceListeners();
        ConfigException.require(!devices.isEmpty(), "listeners", "no installed binding declares a device listener");
        ConfigException.require(!deviceDialects(installed).isEmpty(), "listeners." + devices.get(0), "is required"
                + (devices.size() == 1 ? "" : " (or " + ListenerConfig.keys(devices.subList(1, devices.size()), ", ")
                + ")"));
        owned.forEach((key, listener) -> {
            if (listener instanceof ListenerConfig socket) {
                socket.validate(key, installed);
            }
        });
        if (admin != null) {
            admin.validate("admin", installed);
        }
    }
}
