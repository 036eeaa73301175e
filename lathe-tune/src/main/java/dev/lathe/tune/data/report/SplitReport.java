package dev.lathe.tune.data.report;

import java.util.Map;

/** One split: record count, label counts (sorted by label; empty when unlabelled), lengths. */
public record SplitReport(String name, int count, Map<String, Integer> labels, LengthStats chars, LengthStats tokens) {
    public SplitReport {
        labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels));
    }
}
