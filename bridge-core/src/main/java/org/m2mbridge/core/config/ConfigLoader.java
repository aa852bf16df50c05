package org.m2mbridge.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads and validates {@code bridge.yaml}. Strict: an unknown key, a wrong type or an impossible value stops the
 * start with a message naming the key, e.g. {@code listeners.ws.prot: unknown key (line 2); known: host, port,
 * publicUrl}. Binds to typed records, never to trees, because YAML 1.1 turns {@code no} into false
 * (docs/libraries.md PAHO-5).
 */
public final class ConfigLoader {
    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // backstop; KeyLines names both lines first
            .build();
    private static final ObjectMapper YAML = new ObjectMapper(FACTORY)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .registerModule(new SimpleModule().addDeserializer(Duration.class, new DurationDeserializer())
                    .addDeserializer(Boolean.class, new BooleanDeserializer())
                    .addDeserializer(boolean.class, new BooleanDeserializer()));

    private ConfigLoader() {
    }

    /** Reads {@code file} with the bindings registered on this class's class loader. */
    public static BridgeConfig load(Path file) {
        return load(file, InstalledBindings.on(ConfigLoader.class.getClassLoader()));
    }

    /** Reads {@code file} knowing the keys of {@code installed} besides core's own. */
    public static BridgeConfig load(Path file, InstalledBindings installed) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString(), installed);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": configuration file not found");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads {@code yaml} with the bindings registered on this class's class loader. */
    public static BridgeConfig parse(String yaml) {
        return parse(yaml, InstalledBindings.on(ConfigLoader.class.getClassLoader()));
    }

    /** Reads {@code yaml} knowing the keys of {@code installed} besides core's own. */
    public static BridgeConfig parse(String yaml, InstalledBindings installed) {
        try {
            return parse(new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "<inline>", installed);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration: " + e.getMessage(), e);
        }
    }

    private static BridgeConfig parse(InputStream in, String source, InstalledBindings installed) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines()
                .allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
            throw new ConfigException(source + ": the file is empty");
        }
        KeyLines keys = KeyLines.scan(bytes, source);
        ConfigFile file;
        try {
            file = YAML.readerFor(ConfigFile.class).withAttribute(BindingKeys.ATTRIBUTE, installed).readValue(bytes);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : "; known: " + e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw new ConfigException(source + ": " + path(e) + ": unknown key" + line(keys, e) + known);
        } catch (JsonMappingException e) {
            throw new ConfigException(source + ": " + path(e) + ": " + cause(e, keys.valueAt(path(e))) + line(keys, e));
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage() + line(e.getLocation()));
        }
        if (file == null) {
            throw new ConfigException(source + ": the file is empty");
        }
        try {
            return withDefaults(file.toConfig(installed)).validate();
        } catch (ConfigException e) {
            // "upstreams[0].url: port 80800 is out of range ...": the key is the message up to its first ": "
            int cut = e.getMessage().indexOf(": ");
            int line = cut > 0 ? keys.lineOf(e.getMessage().substring(0, cut)) : 0;
            throw new ConfigException(source + ": " + e.getMessage() + (line > 0 ? " (line " + line + ")" : ""));
        }
    }

    /**
     * {@code config} with every record-typed section and upstream key an installed binding declares but the file
     * leaves out bound from an empty mapping, so it holds its defaults, as core's own sections do.
     */
    private static BridgeConfig withDefaults(BridgeConfig config) throws IOException {
        Map<String, Object> sections = new LinkedHashMap<>(config.sections());
        for (Map.Entry<String, Class<?>> e : config.bindings().sections().entrySet()) {
            if (sections.get(e.getKey()) == null && e.getValue().isRecord()) {
                sections.put(e.getKey(), YAML.readValue("{}", e.getValue()));
            }
        }
        List<UpstreamConfig> upstreams = new ArrayList<>();
        for (UpstreamConfig u : config.upstreams()) {
            Map<String, Object> keys = new LinkedHashMap<>(u == null ? Map.of() : u.keys());
            for (Map.Entry<String, Class<?>> e : config.bindings().upstreamKeys().entrySet()) {
                if (keys.get(e.getKey()) == null && e.getValue().isRecord()) {
                    keys.put(e.getKey(), YAML.readValue("{}", e.getValue()));
                }
            }
            upstreams.add(u == null ? null : new UpstreamConfig(u.name(), u.binding(), u.url(), u.cseId(), u.spId(),
                    u.serialization(), u.timeout(), u.cseName(), keys));
        }
        return new BridgeConfig(config.listeners(), upstreams, config.routes(), config.timeouts(), config.limits(),
                config.demo(), config.store(), config.admin(), sections,
                config.bindings());
    }

    private static String path(JsonMappingException e) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.length() == 0 ? "(top level)" : b.toString();
    }

    /** The problem in YAML terms: the first line of the innermost message, or what was expected and found. */
    private static String cause(JsonMappingException e, String found) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root == e && e instanceof MismatchedInputException m && !(e instanceof OwnMessage)) {
            String said = YamlTerms.mismatch(m, found);
            if (said != null) {
                return said;
            }
        }
        String m = root instanceof JsonProcessingException jp ? jp.getOriginalMessage() : root.getMessage();
        if (m == null) {
            return "invalid value";
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }

    /** The key's own line when the pre-scan saw it, else where Jackson stopped. */
    private static String line(KeyLines keys, JsonMappingException e) {
        int line = keys.lineOf(path(e));
        return line > 0 ? " (line " + line + ")" : line(e.getLocation());
    }

    private static String line(JsonLocation location) {
        return location == null || location.getLineNr() <= 0 ? "" : " (line " + location.getLineNr() + ")";
    }

    /** What the error for a duration that is not one says the accepted forms are. */
    static final String DURATION_FORMS = "write a number with a unit: 500ms, 30s, 5m, 1h, 2d, or ISO-8601 such as PT30S";

    /**
     * Durations as operators write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 2d}, or an
     * ISO-8601 duration ({@code PT30S}). A bare number other than 0 is refused: nginx reads {@code 30} as seconds, Java
     * libraries as milliseconds, and a silent guess either way turns a 30 s timeout into a 30 ms one.
     */
    static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            String digits = text.strip();
            if (digits.matches("[0-9]+") && !digits.matches("0+")) { // zero needs no unit

                throw new OwnMessage(p, "'" + digits + "' has no unit (30 could mean seconds or "
                        + "milliseconds): " + DURATION_FORMS);
            }
            Duration d = parseDuration(text);
            if (d == null) {
                throw new OwnMessage(p, "not a duration: '" + text + "': " + DURATION_FORMS);
            }
            return d;
        }
    }

    /** A binding error whose message is already in YAML terms. */
    static final class OwnMessage extends MismatchedInputException {
        private static final long serialVersionUID = 1L;

        OwnMessage(JsonParser p, String message) {
            super(p, message, (Class<?>) null);
        }
    }

    /**
     * Booleans as YAML 1.1 writes them, unquoted: {@code true}/{@code false}, {@code yes}/{@code no},
     * {@code on}/{@code off}. A quoted value is text in YAML, so {@code "yes"} (and {@code "true"}) is refused with a
     * message saying so, rather than accepted for some words and not others.
     */
    static final class BooleanDeserializer extends StdScalarDeserializer<Boolean> {
        private static final long serialVersionUID = 1L;

        BooleanDeserializer() {
            super(Boolean.class);
        }

        @Override
        public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_STRING -> throw new OwnMessage(p, "expected true or false, found the quoted text \""
                        + p.getText() + "\" (a quoted value is text in YAML: write it without quotes)");
                default -> throw new OwnMessage(p, "expected true or false, found " + YamlTerms.found(p));
            };
        }
    }

    /** A duration with its unit (zero may go without), or null; another bare number has none and is null here. */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.matches("0+")) {
                return Duration.ZERO;
            }
            int i = 0;
            while (i < t.length() && Character.isDigit(t.charAt(i))) {
                i++;
            }
            if (i == 0) {
                return null;
            }
            long n = Long.parseLong(t.substring(0, i));
            return switch (t.substring(i).trim()) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }
}
