package dev.lathe.eval.metrics.classification;

import java.util.List;

/**
 * A confusion matrix as sklearn's {@code confusion_matrix}: {@code counts[i][j]} is the number of
 * samples whose true label is {@code labels[i]} and predicted label is {@code labels[j]}. Samples
 * whose true or predicted label is not in {@code labels} are left out.
 */
public record ConfusionMatrix(List<String> labels, long[][] counts) {
    public ConfusionMatrix {
        labels = List.copyOf(labels);
    }

    /** The count for (true label, predicted label). */
    public long count(String trueLabel, String predictedLabel) {
        int i = labels.indexOf(trueLabel);
        int j = labels.indexOf(predictedLabel);
        if (i < 0 || j < 0) {
            throw new IllegalArgumentException("label not in the matrix: true '" + trueLabel
                    + "', predicted '" + predictedLabel + "'; labels are " + labels);
        }
        return counts[i][j];
    }
}
