package dev.lathe.eval.metrics.classification;

import java.util.List;

/**
 * The result of {@link ClassificationMetrics#precisionRecallFscore}: the averaged precision,
 * recall and F-beta (NaN for {@link Average#NONE}), the total support over the labels used, the
 * per-class figures those came from (for {@link Average#BINARY}: the positive label only), and
 * sklearn's UndefinedMetricWarning texts when {@link ZeroDivision#WARN} applied.
 */
public record PrfResult(Average average, double beta, double precision, double recall, double fScore,
                        long support, List<ClassScores> classes, List<String> warnings) {
    public PrfResult {
        classes = List.copyOf(classes);
        warnings = List.copyOf(warnings);
    }
}
