package org.m2mbridge.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key of a configuration file is, by its path ({@code listeners.ws.port}, {@code upstreams[0].url}), read
 * in one streaming pass before the file is bound to records. Jackson reports a binding error at the parser's position
 * when it gives up, which for a block-style key with children is the line of the next key (reported 73 for a key on
 * line 69); the key's own token gives the exact line. The same pass refuses a key written twice in one mapping,
 * block or flow style, naming both lines: bound to a record, the second would otherwise silently win or fail with a
 * message about creator properties.
 */
final class KeyLines {
    /** Without duplicate detection of its own: this pass reports duplicates itself, with both lines. */
    private static final YAMLFactory FACTORY = new YAMLFactory();

    private final Map<String, Integer> lines;
    private final Map<String, String> values;

    private KeyLines(Map<String, Integer> lines, Map<String, String> values) {
        this.lines = lines;
        this.values = values;
    }

    /** One open mapping or sequence while scanning: its path, and for a mapping the line of each key seen. */
    private static final class Level {
        final String path;
        final boolean sequence;
        final Map<String, Integer> keys = new HashMap<>();
        int index = -1;
        String pendingKey;

        Level(String path, boolean sequence) {
            this.path = path;
            this.sequence = sequence;
        }

        /** The path of the value that starts now: the pending key's, or the next element's. */
        String childPath() {
            if (sequence) {
                index++;
                return path + "[" + index + "]";
            }
            String key = pendingKey;
            pendingKey = null;
            return path.isEmpty() ? key : path + "." + key;
        }
    }

    /**
     * Scans {@code yaml}; throws {@link ConfigException} for a duplicated key. Syntax errors are left to the binding
     * pass, which reports them with their own position: what could be scanned is returned.
     */
    static KeyLines scan(byte[] yaml, String source) {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> values = new HashMap<>();
        Deque<Level> stack = new ArrayDeque<>();
        try (JsonParser p = FACTORY.createParser(yaml)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                int line = p.currentTokenLocation().getLineNr();
                Level top = stack.peek();
                switch (t) {
                    case FIELD_NAME -> {
                        String key = p.currentName();
                        String path = top.path.isEmpty() ? key : top.path + "." + key;
                        Integer first = top.keys.putIfAbsent(key, line);
                        if (first != null) {
                            throw new ConfigException(source + ": " + path + ": appears twice in the same section ("
                                    + (first == line ? "line " + line : "lines " + first + " and " + line)
                                    + "); keep one");
                        }
                        lines.put(path, line);
                        top.pendingKey = key;
                    }
                    case START_OBJECT, START_ARRAY -> {
                        String path = top == null ? "" : top.childPath();
                        if (top != null && top.sequence) {
                            lines.putIfAbsent(path, line);
                        }
                        values.put(path, YamlTerms.found(p));
                        stack.push(new Level(path, t == JsonToken.START_ARRAY));
                    }
                    case END_OBJECT, END_ARRAY -> stack.pop();
                    default -> {
                        if (top != null) {
                            String path = top.childPath();
                            lines.putIfAbsent(path, line);
                            values.put(path, YamlTerms.found(p));
                        }
                    }
                }
            }
        } catch (IOException e) {
            // a syntax error: the binding pass reports it with its position
        }
        return new KeyLines(lines, values);
    }

    /** What the file has at {@code path}, in YAML terms ("a list", "the text 'x'"), or null. */
    String valueAt(String path) {
        return values.get(path);
    }

    /** The line of the key (or list element) at {@code path}, or of its closest enclosing key; 0 when unknown. */
    int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return 0;
    }
}
