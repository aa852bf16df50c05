package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.m2mbridge.core.testing.Await;
import org.slf4j.Logger;

/**
 * Issue 16.10: the shipped Logback files. Both the main log and the access log roll by size as well as by day (an
 * access log could grow without bound within a day), the JSON variant is the text one with other encoders, and a
 * line Main printed on stderr itself is not repeated by the console appender.
 */
@Timeout(60)
class LoggingConfigTest {
    private static final int MAX_FILE_SIZE = 20 * 1024;
    @TempDir
    Path dir;

    private LoggerContext configured(String file) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
        context.putProperty("M2MBRIDGE_LOG_DIR", dir.toString());
        context.putProperty("M2MBRIDGE_LOG_MAX_FILE_SIZE", MAX_FILE_SIZE / 1024 + "KB");
        context.putProperty("M2MBRIDGE_CONSOLE_LEVEL", "OFF");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(ConfigFilesTest.CONFIG.resolve(file).toFile());
        return context;
    }

    /**
     * What Logback's SizeAndTimeBasedRollingPolicy guarantees (1.5.8 and later: the size is checked before every
     * event, no gate): a file is rolled before the event that finds it at maxFileSize or more, to
     * {@code name.DATE.N.log.gz} with N counting up from 0 within a day, its compression running on a pool thread
     * after the file was renamed to a {@code .tmp} (so archives appear late and not in order). Nothing is deleted
     * within maxHistory and totalSizeCap, so every line written is in exactly one file.
     */
    @Test
    void theMainLogAndTheAccessLogRollBySize() throws Exception {
        LoggerContext context = configured("logback.xml");
        int lines = 100; // about 100 KB per log against a 20 KB maxFileSize: at least 4 roll-overs each
        try {
            Logger main = context.getLogger("org.m2mbridge.Test");
            Logger access = context.getLogger("m2mbridge.access");
            for (int i = 0; i < lines; i++) {
                String line = "%04d ".formatted(i) + "x".repeat(1000);
                main.info(line);
                access.info(line);
            }
            // the compressions still running (each deletes its .tmp when its archive is complete)
            Await.until(Duration.ofSeconds(30), () -> files().stream().noneMatch(n -> n.endsWith(".tmp")),
                    () -> "archives compressed: " + files());
        } finally {
            context.stop();
        }
        assertRolledBySize("m2m-bridge.", lines);
        assertRolledBySize("access.", lines);
    }

    /** {@code prefix}'s archives and live file hold all {@code lines} lines, each file cut at maxFileSize. */
    private void assertRolledBySize(String prefix, int lines) throws Exception {
        Pattern archive = Pattern.compile(Pattern.quote(prefix) + "(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log\\.gz");
        TreeMap<String, TreeMap<Integer, byte[]>> byDay = new TreeMap<>();
        for (String name : rolled(prefix)) {
            Matcher m = archive.matcher(name);
            assertTrue(m.matches(), "not an archive name: " + name + " in " + files());
            try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve(name)))) {
                byDay.computeIfAbsent(m.group(1), d -> new TreeMap<>()).put(Integer.parseInt(m.group(2)),
                        in.readAllBytes());
            }
        }
        assertTrue(byDay.values().stream().mapToInt(Map::size).sum() >= 4, "rolled by size: " + files());
        String today = byDay.isEmpty() ? "" : byDay.lastKey();
        List<String> all = new ArrayList<>();
        byDay.forEach((day, archives) -> {
            assertEquals(archives.size() - 1, archives.lastKey(), day + ": numbered 0, 1, 2... " + files());
            archives.forEach((n, content) -> {
                // a day's last archive may be a midnight roll-over, smaller than maxFileSize
                boolean bySize = day.equals(today) || n < archives.lastKey();
                assertCutAtMaxFileSize(prefix + day + "." + n, content, bySize);
                all.addAll(List.of(new String(content, StandardCharsets.UTF_8).split("\n")));
            });
        });
        byte[] live = Files.readAllBytes(dir.resolve(prefix + "log"));
        assertCutAtMaxFileSize(prefix + "log", live, false);
        all.addAll(List.of(new String(live, StandardCharsets.UTF_8).split("\n")));
        assertEquals(lines, all.size(), prefix + ": every line in one file, none lost or deleted");
        for (int i = 0; i < lines; i++) {
            assertTrue(all.get(i).contains("%04d x".formatted(i)), prefix + ": in order, line " + i);
        }
    }

    /** Below maxFileSize before its last line ({@code bySize}: and at least maxFileSize with it). */
    private static void assertCutAtMaxFileSize(String name, byte[] content, boolean bySize) {
        String text = new String(content, StandardCharsets.UTF_8);
        int lastLine = text.length() - text.lastIndexOf('\n', text.length() - 2) - 1;
        assertTrue(content.length - lastLine < MAX_FILE_SIZE, name + ": " + content.length + " bytes, past maxFileSize "
                + "by more than its last line (" + lastLine + ")");
        if (bySize) {
            assertTrue(content.length >= MAX_FILE_SIZE, name + ": rolled at " + content.length + " bytes, below "
                    + "maxFileSize");
        }
    }

    @Test
    void theJsonVariantIsTheTextOneWithJsonEncoders() throws Exception {
        String text = normalised("logback.xml").replaceAll("<encoder><pattern>[^<]*</pattern></encoder>", "ENCODER")
                .replaceAll("<property name=\"PATTERN\"[^>]*/>", "");
        String json = normalised("logback-json.xml").replaceAll("(?s)<encoder class=\"ch\\.qos\\.logback\\.classic\\."
                + "encoder\\.JsonEncoder\">.*?</encoder>", "ENCODER");
        assertEquals(text, json);

        LoggerContext context = configured("logback-json.xml");
        try {
            context.getLogger("org.m2mbridge.Test").info("hello {}", "json");
        } finally {
            context.stop();
        }
        String line = Files.readAllLines(dir.resolve("m2m-bridge.log")).get(0);
        assertTrue(line.startsWith("{") && line.contains("\"formattedMessage\":\"hello json\""), line);
    }

    private static String normalised(String file) throws Exception {
        return Files.readString(ConfigFilesTest.CONFIG.resolve(file)).replaceAll("(?s)<!--.*?-->", "")
                .replaceAll("\\s+", " ").replaceAll("> <", "><").trim();
    }

    private List<String> rolled(String prefix) {
        return files().stream().filter(n -> n.startsWith(prefix) && !n.equals(prefix + "log")).toList();
    }

    private List<String> files() {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
