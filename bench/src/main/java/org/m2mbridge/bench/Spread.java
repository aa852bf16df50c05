package org.m2mbridge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The values one figure took over a benchmark's rounds: median (the figure to quote) and min-max (the noise).
 *
 * @param values one per round that measured it, in round order
 */
record Spread(List<Double> values) {

    static Spread of(List<Double> values) {
        return new Spread(List.copyOf(values));
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    double median() {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code median [min-max]} with {@code format} (e.g. {@code %,.0f}); "n/m" when nothing was measured. */
    String format(String format) {
        if (values.isEmpty()) {
            return "n/m";
        }
        String m = String.format(format, median());
        return values.size() == 1 ? m : m + " [" + String.format(format, min()) + "–" + String.format(format, max()) + "]";
    }
}
