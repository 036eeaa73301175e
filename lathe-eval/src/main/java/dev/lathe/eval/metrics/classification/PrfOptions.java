package dev.lathe.eval.metrics.classification;

import java.util.List;

/**
 * Options of {@link ClassificationMetrics#precisionRecallFscore}, as sklearn's keyword arguments:
 * {@code labels} (null: the sorted union of the data's labels; may name labels absent from the
 * data, or a subset), {@code beta} (1 for F1; {@code +Infinity} gives recall, 0 precision),
 * {@code zeroDivision}, and {@code posLabel} (used by {@link Average#BINARY} only; sklearn's
 * default 1 is "1" here).
 */
public record PrfOptions(List<String> labels, double beta, ZeroDivision zeroDivision, String posLabel) {
    public PrfOptions {
        if (labels != null) labels = List.copyOf(labels);
        if (!(beta >= 0)) throw new IllegalArgumentException("beta: got " + beta + ", expected >= 0");
        if (zeroDivision == null) throw new IllegalArgumentException("zeroDivision: got null");
        if (posLabel == null) throw new IllegalArgumentException("posLabel: got null");
    }

    /** sklearn's defaults: labels=None, beta=1, zero_division="warn", pos_label=1. */
    public static PrfOptions defaults() {
        return new PrfOptions(null, 1.0, ZeroDivision.WARN, "1");
    }

    public PrfOptions withLabels(List<String> newLabels) {
        return new PrfOptions(newLabels, beta, zeroDivision, posLabel);
    }

    public PrfOptions withBeta(double newBeta) {
        return new PrfOptions(labels, newBeta, zeroDivision, posLabel);
    }

    public PrfOptions withZeroDivision(ZeroDivision zd) {
        return new PrfOptions(labels, beta, zd, posLabel);
    }

    public PrfOptions withPosLabel(String pos) {
        return new PrfOptions(labels, beta, zeroDivision, pos);
    }
}
