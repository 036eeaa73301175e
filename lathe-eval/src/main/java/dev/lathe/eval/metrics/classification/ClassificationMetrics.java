package dev.lathe.eval.metrics.classification;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accuracy, precision / recall / F-beta with sklearn's averaging, and the confusion matrix, over
 * string labels, giving scikit-learn's numbers ({@code accuracy_score},
 * {@code precision_recall_fscore_support}, {@code confusion_matrix}).
 *
 * <p>Per label: precision = tp / predicted, recall = tp / support, F-beta = (1 + b²) tp /
 * (b² support + predicted), each set to {@link ZeroDivision#value()} when its denominator is zero
 * (current sklearn computes F from counts, so F is ill-defined only when the label is neither true
 * nor predicted). Averages skip NaN entries (sklearn's {@code _nanaverage}); a weighted average
 * whose weights sum to zero falls back to the plain mean, as sklearn >= 1.3 does. sklearn 1.2
 * instead returns (0, zd, 0) or (zd, zd, zd) there: the only case where the two differ for
 * zero_division in {warn, 0, 1}.
 */
public final class ClassificationMetrics {
    private ClassificationMetrics() {}

    /** Fraction of samples with yPred equal to yTrue ({@code accuracy_score}, normalize=True). */
    public static double accuracy(List<String> yTrue, List<String> yPred) {
        checkTargets(yTrue, yPred);
        return (double) correct(yTrue, yPred) / yTrue.size();
    }

    /** Number of samples with yPred equal to yTrue ({@code accuracy_score}, normalize=False). */
    public static long correct(List<String> yTrue, List<String> yPred) {
        checkTargets(yTrue, yPred);
        long n = 0;
        for (int i = 0; i < yTrue.size(); i++) if (yTrue.get(i).equals(yPred.get(i))) n++;
        return n;
    }

    /** The confusion matrix over the sorted union of labels. */
    public static ConfusionMatrix confusionMatrix(List<String> yTrue, List<String> yPred) {
        return confusionMatrix(yTrue, yPred, null);
    }

    /**
     * The confusion matrix with rows and columns in the order of {@code labels} (null: sorted
     * union). As sklearn, at least one of {@code labels} must occur in yTrue.
     */
    public static ConfusionMatrix confusionMatrix(List<String> yTrue, List<String> yPred, List<String> labels) {
        checkTargets(yTrue, yPred);
        List<String> order = labels == null ? Labels.sorted(yTrue, yPred) : checkLabels(labels);
        Map<String, Integer> index = indexOf(order);
        if (labels != null && yTrue.stream().noneMatch(index::containsKey)) {
            throw new IllegalArgumentException("labels: at least one label specified must be in yTrue; got "
                    + labels);
        }
        long[][] counts = new long[order.size()][order.size()];
        for (int s = 0; s < yTrue.size(); s++) {
            Integer i = index.get(yTrue.get(s));
            Integer j = index.get(yPred.get(s));
            if (i != null && j != null) counts[i][j]++;
        }
        return new ConfusionMatrix(order, counts);
    }

    /** F1 with the given average and sklearn's other defaults. */
    public static double f1(List<String> yTrue, List<String> yPred, Average average) {
        return precisionRecallFscore(yTrue, yPred, average, PrfOptions.defaults()).fScore();
    }

    /** Precision with the given average and sklearn's other defaults. */
    public static double precision(List<String> yTrue, List<String> yPred, Average average) {
        return precisionRecallFscore(yTrue, yPred, average, PrfOptions.defaults()).precision();
    }

    /** Recall with the given average and sklearn's other defaults. */
    public static double recall(List<String> yTrue, List<String> yPred, Average average) {
        return precisionRecallFscore(yTrue, yPred, average, PrfOptions.defaults()).recall();
    }

    /**
     * Precision, recall, F-beta and support as sklearn's {@code precision_recall_fscore_support}
     * (with {@code average}). {@link Average#BINARY} ignores {@code options.labels()} (as sklearn)
     * and scores {@code posLabel}; it fails when the data holds more than two labels, or two
     * labels and not posLabel.
     */
    public static PrfResult precisionRecallFscore(List<String> yTrue, List<String> yPred, Average average,
                                                  PrfOptions options) {
        checkTargets(yTrue, yPred);
        if (average == null) throw new IllegalArgumentException("average: got null");
        List<String> labels = labelsFor(yTrue, yPred, average, options);
        Map<String, Integer> index = indexOf(labels);
        int n = labels.size();
        long[] tp = new long[n]; // per label: true positives
        long[] predicted = new long[n];
        long[] support = new long[n];
        for (int s = 0; s < yTrue.size(); s++) {
            Integer t = index.get(yTrue.get(s));
            Integer p = index.get(yPred.get(s));
            if (t != null) support[t]++;
            if (p != null) predicted[p]++;
            if (t != null && t.equals(p)) tp[t]++;
        }
        ZeroDivision zd = options.zeroDivision();
        double beta = options.beta();
        double[][] perClass = scores(tp, predicted, support, beta, zd);
        List<ClassScores> classes = new ArrayList<>(n);
        long totalSupport = 0;
        for (int i = 0; i < n; i++) {
            classes.add(new ClassScores(labels.get(i), perClass[0][i], perClass[1][i], perClass[2][i],
                    support[i], predicted[i], tp[i]));
            totalSupport += support[i];
        }

        List<String> warnings = new ArrayList<>();
        double p = Double.NaN;
        double r = Double.NaN;
        double f = Double.NaN;
        switch (average) {
            case NONE -> warn(zd, predicted, support, "label", warnings);
            case MICRO -> {
                long[] tpSum = {sum(tp)};
                long[] predSum = {sum(predicted)};
                long[] trueSum = {totalSupport};
                double[][] micro = scores(tpSum, predSum, trueSum, beta, zd);
                warn(zd, predSum, trueSum, "label", warnings);
                p = micro[0][0];
                r = micro[1][0];
                f = micro[2][0];
            }
            case BINARY -> {
                warn(zd, predicted, support, "label", warnings);
                p = perClass[0][0];
                r = perClass[1][0];
                f = perClass[2][0];
            }
            case MACRO, WEIGHTED -> {
                warn(zd, predicted, support, "label", warnings);
                double[] w = null;
                if (average == Average.WEIGHTED) {
                    w = new double[n];
                    for (int i = 0; i < n; i++) w[i] = support[i];
                }
                p = nanAverage(perClass[0], w);
                r = nanAverage(perClass[1], w);
                f = nanAverage(perClass[2], w);
            }
        }
        return new PrfResult(average, beta, p, r, f, totalSupport, classes, warnings);
    }

    /** {precision[], recall[], fScore[]} from counts. */
    private static double[][] scores(long[] tp, long[] predicted, long[] support, double beta, ZeroDivision zd) {
        int n = tp.length;
        double[] precision = new double[n];
        double[] recall = new double[n];
        double[] fScore = new double[n];
        double beta2 = beta * beta;
        for (int i = 0; i < n; i++) {
            precision[i] = divide(tp[i], predicted[i], zd);
            recall[i] = divide(tp[i], support[i], zd);
            if (beta == Double.POSITIVE_INFINITY) {
                fScore[i] = recall[i];
            } else if (beta == 0) {
                fScore[i] = precision[i];
            } else {
                // F = (1 + b²) P R / (b² P + R), written in counts: (1 + b²) tp / (b² support + predicted)
                double denom = beta2 * support[i] + predicted[i];
                fScore[i] = denom == 0 ? zd.value() : (1 + beta2) * tp[i] / denom;
            }
        }
        return new double[][] {precision, recall, fScore};
    }

    private static double divide(long num, long den, ZeroDivision zd) {
        return den == 0 ? zd.value() : (double) num / den;
    }

    /** sklearn 1.2's UndefinedMetricWarning texts (warn_for = precision, recall, f-score). */
    private static void warn(ZeroDivision zd, long[] predicted, long[] support, String axis, List<String> out) {
        if (zd != ZeroDivision.WARN) return;
        String where = predicted.length == 1 ? "due to" : "in " + axis + "s with";
        for (long v : predicted) {
            if (v == 0) {
                out.add("Precision and F-score are ill-defined and being set to 0.0 " + where
                        + " no predicted samples. Use `zero_division` parameter to control this behavior.");
                break;
            }
        }
        for (long v : support) {
            if (v == 0) {
                out.add("Recall and F-score are ill-defined and being set to 0.0 " + where
                        + " no true samples. Use `zero_division` parameter to control this behavior.");
                break;
            }
        }
    }

    /** sklearn's {@code _nanaverage}: NaN entries (and their weights) are skipped. */
    static double nanAverage(double[] a, double[] weights) {
        double sum = 0;
        double wsum = 0;
        double plain = 0;
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i])) continue;
            plain += a[i];
            count++;
            if (weights != null) {
                sum += a[i] * weights[i];
                wsum += weights[i];
            }
        }
        if (count == 0) return Double.NaN;
        if (weights == null || wsum == 0) return plain / count; // all-zero weights: plain mean
        return sum / wsum;
    }

    private static List<String> labelsFor(List<String> yTrue, List<String> yPred, Average average,
                                          PrfOptions options) {
        if (average != Average.BINARY) {
            return options.labels() == null ? Labels.sorted(yTrue, yPred) : checkLabels(options.labels());
        }
        List<String> present = Labels.sorted(yTrue, yPred);
        if (present.size() > 2) {
            throw new IllegalArgumentException("average: BINARY needs at most two labels in the data, got "
                    + present.size() + " " + present + "; choose MICRO, MACRO, WEIGHTED or NONE");
        }
        String pos = options.posLabel();
        if (present.size() == 2 && !present.contains(pos)) {
            throw new IllegalArgumentException("posLabel: got '" + pos + "', expected one of " + present);
        }
        return List.of(pos);
    }

    static List<String> checkLabels(List<String> labels) {
        if (labels.isEmpty()) throw new IllegalArgumentException("labels: got an empty list, expected at least one");
        Set<String> seen = new HashSet<>();
        for (String l : labels) {
            if (l == null) throw new IllegalArgumentException("labels: contains null");
            if (!seen.add(l)) throw new IllegalArgumentException("labels: '" + l + "' appears twice in " + labels);
        }
        return List.copyOf(labels);
    }

    static void checkTargets(List<String> yTrue, List<String> yPred) {
        if (yTrue == null) throw new IllegalArgumentException("yTrue: got null");
        if (yPred == null) throw new IllegalArgumentException("yPred: got null");
        if (yTrue.size() != yPred.size()) {
            throw new IllegalArgumentException("yTrue and yPred: lengths differ, " + yTrue.size() + " vs "
                    + yPred.size());
        }
        if (yTrue.isEmpty()) throw new IllegalArgumentException("yTrue: got no samples, expected at least one");
        for (int i = 0; i < yTrue.size(); i++) {
            if (yTrue.get(i) == null) throw new IllegalArgumentException("yTrue: null label at index " + i);
            if (yPred.get(i) == null) throw new IllegalArgumentException("yPred: null label at index " + i);
        }
    }

    private static Map<String, Integer> indexOf(List<String> labels) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < labels.size(); i++) index.put(labels.get(i), i);
        return index;
    }

    private static long sum(long[] a) {
        long s = 0;
        for (long v : a) s += v;
        return s;
    }
}
