package dev.lathe.eval.harness;

import java.util.List;
import java.util.Locale;

/** The metrics {@code lathe eval --metrics} knows by name, each with its reference tool's defaults. */
public final class TextMetrics {
    /** Names accepted by {@link #byId}. */
    public static final List<String> IDS = List.of("bleu", "chrf", "rouge", "squad", "classification");

    private TextMetrics() {}

    public static TextMetric byId(String id) {
        return switch (id.strip().toLowerCase(Locale.ROOT)) {
            case "bleu" -> BleuMetric.defaults();
            case "chrf" -> ChrfMetric.defaults();
            case "rouge" -> RougeMetric.defaults();
            case "squad" -> new SquadMetric();
            case "classification" -> ClassificationMetric.defaults();
            default -> throw new IllegalArgumentException("unknown metric '" + id + "', expected one of " + IDS);
        };
    }
}
