package org.m2mbridge.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Binds a key that is not core's own to the type an installed binding declares for it
 * ({@link BindingConfiguration}), straight from the parser like every other key (a YAML 1.1 {@code no} stays the text
 * it is in a text key, docs/libraries.md PAHO-5), or refuses it as an unknown key listing every known one. The
 * installed bindings come from the reader's {@link #ATTRIBUTE}.
 */
abstract class BindingKeys extends StdDeserializer<Object> {
    private static final long serialVersionUID = 1L;
    /** The reader attribute holding the {@link InstalledBindings}. */
    static final String ATTRIBUTE = InstalledBindings.class.getName();

    private final transient Class<? extends Record> owner;
    private final transient Function<InstalledBindings, Map<String, Class<?>>> declared;

    BindingKeys(Class<? extends Record> owner, Function<InstalledBindings, Map<String, Class<?>>> declared) {
        super(Object.class);
        this.owner = owner;
        this.declared = declared;
    }

    @Override
    public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String key = p.currentName();
        InstalledBindings installed = (InstalledBindings) ctxt.getAttribute(ATTRIBUTE);
        Map<String, Class<?>> keys = declared.apply(installed == null ? InstalledBindings.NONE : installed);
        Class<?> type = keys.get(key);
        if (type == null) {
            List<Object> known = new ArrayList<>(keys.keySet());
            Arrays.stream(owner.getRecordComponents()).filter(c -> !Map.class.isAssignableFrom(c.getType()))
                    .forEach(c -> known.add(c.getName()));
            throw new UnrecognizedPropertyException(p, "unknown key", p.currentTokenLocation(), owner, key, known);
        }
        return ctxt.readValue(p, type);
    }

    /** Top-level sections. */
    static final class Sections extends BindingKeys {
        private static final long serialVersionUID = 1L;

        Sections() {
            super(ConfigFile.class, InstalledBindings::sections);
        }
    }

    /** Keys under {@code listeners:}. */
    static final class ListenerKeys extends BindingKeys {
        private static final long serialVersionUID = 1L;

        ListenerKeys() {
            super(Listeners.class, InstalledBindings::listeners);
        }
    }

    /** Keys of one upstream. */
    static final class UpstreamKeys extends BindingKeys {
        private static final long serialVersionUID = 1L;

        UpstreamKeys() {
            super(UpstreamConfig.class, InstalledBindings::upstreamKeys);
        }
    }
}
