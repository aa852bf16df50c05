package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Issue 16.10: the shipped Logback files. Both the main log and the access log roll by size as well as by day (an
 * access log could grow without bound within a day), the JSON variant is the text one with other encoders, and a
 * line Main printed on stderr itself is not repeated by the console appender.
 */
@Timeout(60)
class LoggingConfigTest {
    @TempDir
    Path dir;

    private LoggerContext configured(String file) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a fresh context has none
        context.putProperty("M2MBRIDGE_LOG_DIR", dir.toString());
        context.putProperty("M2MBRIDGE_LOG_MAX_FILE_SIZE", "20KB");
        context.putProperty("M2MBRIDGE_CONSOLE_LEVEL", "OFF");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(ConfigFilesTest.CONFIG.resolve(file).toFile());
        return context;
    }

    @Test
    void theMainLogAndTheAccessLogRollBySize() throws Exception {
        LoggerContext context = configured("logback.xml");
        try {
            Logger main = context.getLogger("org.m2mbridge.Test");
            Logger access = context.getLogger("m2mbridge.access");
            String line = "x".repeat(1000);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (rolled("m2m-bridge.").isEmpty() || rolled("access.").isEmpty()) {
                assertTrue(System.nanoTime() < until, "no rolled file within 30 s: " + files());
                for (int i = 0; i < 50; i++) {
                    main.info(line);
                    access.info(line);
                }
                TimeUnit.MILLISECONDS.sleep(20); // the size check runs at most every few ms (Logback's gate)
            }
            assertTrue(rolled("m2m-bridge.").get(0).matches("m2m-bridge\\.\\d{4}-\\d{2}-\\d{2}\\.0\\.log(\\.gz)?"),
                    files().toString());
            assertTrue(Files.size(dir.resolve("m2m-bridge.log")) < 200_000, "the live file stays near maxFileSize");
        } finally {
            context.stop();
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

    private List<String> rolled(String prefix) throws Exception {
        return files().stream().filter(n -> n.startsWith(prefix) && !n.equals(prefix + "log")).toList();
    }

    private List<String> files() throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
