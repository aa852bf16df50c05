package org.m2mbridge.distribution;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One scrape of {@code /metrics} (Prometheus text format), parsed into series -> value. A series is written as the
 * exposition writes it, labels in name order: {@code m2mbridge_handshake_refusals_total{reason="path"}}.
 */
record PrometheusScrape(Map<String, Double> series, Set<String> names) {

    static PrometheusScrape of(URI admin) throws Exception {
        HttpResponse<String> r = AdminClient.get(admin, "/metrics");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + r.statusCode() + " " + r.body());
        }
        Map<String, Double> series = new HashMap<>();
        Set<String> names = new HashSet<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                names.add(line.split(" ")[2]);
            }
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String key = line.substring(0, space);
            series.put(key, Double.parseDouble(line.substring(space + 1)));
            int brace = key.indexOf('{');
            names.add(brace < 0 ? key : key.substring(0, brace));
        }
        return new PrometheusScrape(series, names);
    }

    /** The value of one series; 0 when it has not been written yet (a counter that never moved). */
    double value(String seriesKey) {
        return series.getOrDefault(seriesKey, 0.0);
    }

    /** How much {@code seriesKey} moved since {@code before}. */
    double delta(PrometheusScrape before, String seriesKey) {
        return value(seriesKey) - before.value(seriesKey);
    }
}
