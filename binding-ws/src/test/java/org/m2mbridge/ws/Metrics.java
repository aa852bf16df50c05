package org.m2mbridge.ws;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one counter or gauge value (summed over data points matching the given label pairs) for assertions. */
public final class Metrics {
    private Metrics() {
    }

    public static double value(PrometheusRegistry registry, String name, String... labelPairs) {
        double sum = 0;
        for (MetricSnapshot m : registry.scrape()) {
            if (!name.equals(m.getMetadata().getPrometheusName()) && !name.equals(m.getMetadata().getName())) {
                continue;
            }
            for (DataPointSnapshot p : m.getDataPoints()) {
                boolean match = true;
                for (int i = 0; i + 1 < labelPairs.length; i += 2) {
                    match &= labelPairs[i + 1].equals(p.getLabels().get(labelPairs[i]));
                }
                if (match) {
                    sum += p instanceof CounterSnapshot.CounterDataPointSnapshot c ? c.getValue()
                            : ((GaugeSnapshot.GaugeDataPointSnapshot) p).getValue();
                }
            }
        }
        return sum;
    }
}
