package dev.lathe.eval.harness;

import dev.lathe.eval.metrics.classification.Average;
import dev.lathe.eval.metrics.classification.ClassScores;
import dev.lathe.eval.metrics.classification.ClassificationMetrics;
import dev.lathe.eval.metrics.classification.ClassificationReport;
import dev.lathe.eval.metrics.classification.ConfusionMatrix;
import dev.lathe.eval.metrics.classification.PrfOptions;
import dev.lathe.eval.metrics.classification.PrfResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Classification metrics for the harness, as scikit-learn computes them: predictions are the
 * hypotheses, gold labels the first reference stream. Scores: {@code accuracy}, and unless the
 * average is {@code none} the averaged {@code precision}, {@code recall} and {@code f1}; the statistics
 * hold the per-class figures, the confusion matrix and the classification report. Resamples recompute
 * each figure from the drawn (gold, predicted) pairs.
 */
public record ClassificationMetric(Average average, PrfOptions options) implements TextMetric {
    public static ClassificationMetric defaults() {
        return new ClassificationMetric(Average.MACRO, PrfOptions.defaults());
    }

    @Override
    public String id() {
        return "classification";
    }

    @Override
    public List<MetricScore> score(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        List<String> gold = references.getFirst();
        double accuracy = ClassificationMetrics.accuracy(gold, hypotheses);
        PrfResult prf = ClassificationMetrics.precisionRecallFscore(gold, hypotheses, average, options);
        ConfusionMatrix cm = options.labels() != null
                ? ClassificationMetrics.confusionMatrix(gold, hypotheses, options.labels())
                : ClassificationMetrics.confusionMatrix(gold, hypotheses);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("accuracy", accuracy);
        stats.put("correct", ClassificationMetrics.correct(gold, hypotheses));
        stats.put("total", gold.size());
        stats.put("average", average.name().toLowerCase(Locale.ROOT));
        stats.put("precision", prf.precision());
        stats.put("recall", prf.recall());
        stats.put("f1", prf.fScore());
        stats.put("support", prf.support());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (ClassScores c : prf.classes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", c.label());
            m.put("precision", c.precision());
            m.put("recall", c.recall());
            m.put("f1", c.fScore());
            m.put("support", c.support());
            classes.add(m);
        }
        stats.put("classes", classes);
        stats.put("confusion_matrix", Map.of("labels", cm.labels(), "counts", cm.counts()));
        if (!prf.warnings().isEmpty()) {
            stats.put("warnings", prf.warnings());
        }
        stats.put("report", ClassificationReport.of(gold, hypotheses).toMap());
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "accuracy = %.4f", accuracy));
        if (average != Average.NONE) {
            line.append(String.format(Locale.ROOT, " precision = %.4f recall = %.4f f1 = %.4f (average=%s)",
                    prf.precision(), prf.recall(), prf.fScore(), stats.get("average")));
        } else {
            for (ClassScores c : prf.classes()) {
                line.append(String.format(Locale.ROOT, "%n%s: precision = %.4f recall = %.4f f1 = %.4f support = %d",
                        c.label(), c.precision(), c.recall(), c.fScore(), c.support()));
            }
        }
        String text = line.toString();
        List<MetricScore> out = new ArrayList<>();
        double[] correct = new double[gold.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = gold.get(i).equals(hypotheses.get(i)) ? 1 : 0;
        }
        out.add(new MetricScore("accuracy", accuracy, text, stats, CorpusStatistic.mean(correct, 1), true));
        if (average != Average.NONE) {
            out.add(new MetricScore("precision", prf.precision(), text, stats, resampled(gold, hypotheses, 0), true));
            out.add(new MetricScore("recall", prf.recall(), text, stats, resampled(gold, hypotheses, 1), true));
            out.add(new MetricScore("f1", prf.fScore(), text, stats, resampled(gold, hypotheses, 2), true));
        }
        return out;
    }

    /** The confusion matrix of predictions against gold labels (for heat maps). */
    public ConfusionMatrix confusion(List<String> hypotheses, List<String> gold) {
        return options.labels() != null ? ClassificationMetrics.confusionMatrix(gold, hypotheses, options.labels())
                : ClassificationMetrics.confusionMatrix(gold, hypotheses);
    }

    private CorpusStatistic resampled(List<String> gold, List<String> pred, int which) {
        return new CorpusStatistic() {
            @Override
            public int size() {
                return gold.size();
            }

            @Override
            public double score(int[] indices) {
                List<String> g = new ArrayList<>(indices.length);
                List<String> p = new ArrayList<>(indices.length);
                for (int i : indices) {
                    g.add(gold.get(i));
                    p.add(pred.get(i));
                }
                PrfResult r;
                try {
                    r = ClassificationMetrics.precisionRecallFscore(g, p, average, options);
                } catch (IllegalArgumentException e) {
                    return Double.NaN; // e.g. a binary average on a draw without the positive label's pair
                }
                return which == 0 ? r.precision() : which == 1 ? r.recall() : r.fScore();
            }

            @Override
            public double exampleScore(int i) {
                return gold.get(i).equals(pred.get(i)) ? 1 : 0;
            }
        };
    }
}
