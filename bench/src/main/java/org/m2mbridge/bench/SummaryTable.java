package org.m2mbridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of a run for a person: the JSON report's numbers as a two-column table, latencies in milliseconds. The
 * JSON (stdout, {@code --out}) stays the machine-readable result; this goes to stderr after the progress lines.
 */
final class SummaryTable {

    private SummaryTable() {
    }

    static void print(JsonNode report, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        JsonNode s = report.path("settings");
        rows.add(row("connections", s.path("connections").asText() + " x window " + s.path("window").asText()
                + ", " + s.path("format").asText() + (s.path("deflate").asBoolean() ? ", deflate" : "")));
        rows.add(row("measured", report.path("seconds").asText() + " s"));
        rows.add(row("messages", report.path("messages").asText()));
        rows.add(row("throughput", report.path("throughput").asText() + " msg/s"));
        JsonNode lat = report.path("latencyMicros");
        for (String p : List.of("p50", "p90", "p99", "p99_9", "max", "mean")) {
            rows.add(row("latency " + p.replace('_', '.'), String.format("%.3f ms", lat.path(p).asDouble() / 1000.0)));
        }
        StringBuilder rsc = new StringBuilder();
        report.path("byRsc").fields().forEachRemaining(e -> rsc.append(rsc.length() == 0 ? "" : ", ")
                .append(e.getKey()).append(": ").append(e.getValue().asText()));
        rows.add(row("answers by rsc", rsc.length() == 0 ? "-" : rsc.toString()));
        rows.add(row("errors", report.path("errors").asText()));
        rows.add(row("notifications", report.path("notifications").asText()));
        rows.add(row("unanswered", report.path("unanswered").asText()));
        rows.add(row("setup failures", report.path("setupFailures").asText()
                + (report.has("firstSetupFailure") ? " (first: " + report.path("firstSetupFailure").asText() + ")" : "")));
        rows.add(row("closed by peer", report.path("closedByPeer").asText()));
        if (report.has("peerCpuMicrosPerMessage")) {
            rows.add(row("peer CPU", String.format("%.3f ms per message, %.0f%% of a core",
                    report.path("peerCpuMicrosPerMessage").asDouble() / 1000.0,
                    report.path("peerCpuUtilisation").asDouble() * 100)));
        }
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        out.println("summary");
        for (String[] r : rows) {
            out.printf("  %-" + width + "s  %s%n", r[0], r[1]);
        }
        out.flush();
    }

    private static String[] row(String name, String value) {
        return new String[] {name, value};
    }
}
