package org.m2mbridge.core.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Payloads captured from real peers, vendored byte-exact in the repository's {@code fixtures/peers} (see
 * {@code fixtures/README.md}). The directory is part of every clone, so a missing one fails the tests instead of
 * skipping them.
 */
public final class PeerFixtures {

    /** One captured primitive or HTTP body. */
    public record Payload(String source, Serialization serialization, byte[] bytes) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return source;
        }
    }

    private PeerFixtures() {
    }

    /** {@code <repo>/fixtures/peers}, found by walking up from the working directory (any module). */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("fixtures/peers");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("fixtures/peers not found above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> files(String prefix) {
        try (Stream<Path> s = Files.walk(root())) {
            List<Path> out = s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".txt")).sorted().toList();
            assertTrue(!out.isEmpty(), "no " + prefix + " fixtures");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(Path file, int line) {
        return root().relativize(file) + ":" + line;
    }

    /** WebSocket text/binary frames: {@code direction<TAB>payload} and the CBOR-hex annotated form. */
    public static List<Payload> webSocket() {
        List<Payload> out = new ArrayList<>();
        for (Path f : files("ws-")) {
            List<String> lines = lines(f);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int hex = line.indexOf("CBOR hex: ");
                if (hex >= 0) {
                    String h = line.substring(hex + 10, line.indexOf(')', hex));
                    out.add(new Payload(name(f, i + 1), Serialization.CBOR, HexFormat.of().parseHex(h)));
                    continue;
                }
                int tab = line.lastIndexOf('\t');
                if (line.startsWith("#") || tab < 0) {
                    continue;
                }
                String direction = line.substring(0, tab);
                String payload = line.substring(tab + 1);
                boolean textFrame = !direction.contains("FRAME") || direction.contains("op=TEXT");
                if (textFrame && !payload.isBlank()) {
                    out.add(new Payload(name(f, i + 1), Serialization.JSON, payload.getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /** MQTT messages: {@code direction<TAB>topic<TAB>payload}, CBOR payloads hex-encoded. */
    public static List<Payload> mqtt() {
        List<Payload> out = new ArrayList<>();
        for (Path f : files("mqtt-")) {
            List<String> lines = lines(f);
            for (int i = 0; i < lines.size(); i++) {
                String[] parts = lines.get(i).split("\t", 3);
                if (lines.get(i).startsWith("#") || parts.length < 3) {
                    continue;
                }
                boolean cbor = parts[1].endsWith("/cbor");
                byte[] bytes = cbor ? HexFormat.of().parseHex(parts[2].trim()) : parts[2].getBytes(StandardCharsets.UTF_8);
                out.add(new Payload(name(f, i + 1), cbor ? Serialization.CBOR : Serialization.JSON, bytes));
            }
        }
        return out;
    }

    /** Non-empty HTTP bodies (bare contents) of JSON requests and responses. */
    public static List<Payload> httpBodies() {
        List<Payload> out = new ArrayList<>();
        for (Path f : files("http-")) {
            List<String> lines = lines(f);
            boolean inHeaders = false;
            boolean json = false;
            StringBuilder body = null;
            int start = 0;
            for (int i = 0; i <= lines.size(); i++) {
                String line = i < lines.size() ? lines.get(i).replace("\r", "") : "=== END";
                if (line.startsWith("===")) {
                    if (body != null && json && !body.toString().isBlank()) {
                        out.add(new Payload(name(f, start), Serialization.JSON,
                                body.toString().trim().getBytes(StandardCharsets.UTF_8)));
                    }
                    inHeaders = true;
                    json = false;
                    body = null;
                } else if (inHeaders && line.isEmpty()) {
                    inHeaders = false;
                    body = new StringBuilder();
                    start = i + 2;
                } else if (inHeaders && line.toLowerCase().startsWith("content-type:")) {
                    json = line.toLowerCase().contains("json");
                } else if (body != null) {
                    body.append(line).append('\n');
                }
            }
        }
        return out;
    }
}
