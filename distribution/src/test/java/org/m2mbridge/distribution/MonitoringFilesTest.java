package org.m2mbridge.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.m2mbridge.core.config.ConfigLoader;

/**
 * The shipped monitoring files against a real bridge that has seen no traffic at all (a healthy bridge just
 * started): every metric the Grafana dashboard ({@code config/grafana-dashboard.json}) and the alert rules
 * ({@code config/alerts.yml}) query has a sample in its scrape, so no panel says "No data" and no rule is silently
 * blind; and {@code promtool check rules} accepts the rules where promtool is installed.
 */
@Timeout(60)
class MonitoringFilesTest {
    static final Pattern METRIC = Pattern.compile("\\b((?:m2mbridge|jvm|process)_[a-z0-9_]+)");
    static Bridge bridge;
    static PrometheusScrape scrape;

    @BeforeAll
    static void start() throws Exception {
        String yaml = """
                listeners:
                  ws:    { host: 127.0.0.1, port: 0 }
                  http:  { host: 127.0.0.1, port: 0 }
                  admin: { host: 127.0.0.1, port: 0 }
                upstreams:
                  - { name: in-cse, binding: http, url: "http://127.0.0.1:9", cseId: /id-in }
                routes: { default: in-cse }
                timeouts: { shutdownGrace: 1s }
                store: { durable: false }
                """;
        bridge = Bridge.start(ConfigLoader.parse(yaml).validate(), BridgeTest.announce(new ByteArrayOutputStream()));
        scrape = PrometheusScrape.of(bridge.listeners().get("admin"));
    }

    @AfterAll
    static void stop() {
        if (bridge != null) {
            bridge.close();
        }
    }

    @Test
    void everyMetricTheDashboardQueriesHasASampleOnAFreshBridge() throws Exception {
        JsonNode dashboard = StatusReport.JSON.readTree(
                Files.readString(ConfigFilesTest.CONFIG.resolve("grafana-dashboard.json")));
        assertTrue(dashboard.path("panels").size() >= 8, "panels");
        Set<String> referenced = metricsIn(dashboard.toString());
        assertTrue(referenced.size() >= 10, referenced.toString());
        assertAllSampled("config/grafana-dashboard.json", referenced);
    }

    @Test
    void everyMetricTheAlertRulesQueryHasASampleOnAFreshBridge() throws Exception {
        Set<String> referenced = new TreeSet<>();
        for (String expr : alertExpressions()) {
            referenced.addAll(metricsIn(expr));
        }
        assertTrue(referenced.contains("m2mbridge_upstream_up"), referenced.toString());
        assertAllSampled("config/alerts.yml", referenced);
    }

    @Test
    void promtoolAcceptsTheAlertRules() throws Exception {
        String promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "skipping: promtool is not installed (Debian package prometheus; "
                + ".ci/run extracts it, or set PROMTOOL to its path)");
        Process p = new ProcessBuilder(promtool, "check", "rules", ConfigFilesTest.CONFIG.resolve("alerts.yml").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("SUCCESS"), out);
    }

    /** The {@code expr} of every rule in config/alerts.yml. */
    static List<String> alertExpressions() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(
                ConfigFilesTest.CONFIG.resolve("alerts.yml").toFile());
        List<String> exprs = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                exprs.add(rule.path("expr").asText());
            }
        }
        assertTrue(exprs.size() >= 5, "rules: " + exprs);
        return exprs;
    }

    private static Set<String> metricsIn(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** A sample line in the scrape, not just a "# TYPE": a series that exists before its first event. */
    private static void assertAllSampled(String file, Set<String> referenced) {
        Set<String> sampled = new TreeSet<>();
        scrape.series().keySet().forEach(k -> sampled.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(sampled);
        assertEquals(Set.of(), missing, file + " queries metrics without a sample on a fresh bridge");
    }

    /** {@code PROMTOOL}, else promtool on the PATH, else null. */
    static String promtool() {
        String configured = System.getenv("PROMTOOL");
        if (configured != null && Files.isExecutable(Path.of(configured))) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
