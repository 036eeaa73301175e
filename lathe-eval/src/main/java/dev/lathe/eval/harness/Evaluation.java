package dev.lathe.eval.harness;

import dev.lathe.eval.report.EvalReport;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Scores the systems' outputs and assembles the {@link EvalReport}: each metric with its bootstrap
 * interval, the paired bootstrap test of the second system against the first (same seed, same
 * resamples for both), and the examples whose sentence-level score under the first metric changed most
 * (with one system, the first examples).
 */
public final class Evaluation {
    /** Examples shown side by side in reports. */
    public static final int SHOWN_EXAMPLES = 10;

    /**
     * Bootstrap settings.
     *
     * @param samples resamples (0 skips intervals and tests)
     */
    public record BootstrapSettings(int samples, double confidence, long seed) {
        public static BootstrapSettings defaults() {
            return new BootstrapSettings(Bootstrap.DEFAULT_SAMPLES, Bootstrap.DEFAULT_CONFIDENCE, Bootstrap.DEFAULT_SEED);
        }
    }

    private Evaluation() {}

    /** Scores each system's outputs with each metric against the examples' targets. */
    public static List<MetricScore> score(List<TextMetric> metrics, List<String> outputs, List<EvalExample> examples) {
        List<List<String>> refs = referenceStreams(examples);
        List<MetricScore> out = new ArrayList<>();
        for (TextMetric m : metrics) {
            out.addAll(m.score(outputs, refs));
        }
        return out;
    }

    /**
     * The examples' targets as reference streams: as many streams as the most targets of any example; an
     * example with fewer repeats its first (a duplicate reference changes no max-over-references metric).
     */
    public static List<List<String>> referenceStreams(List<EvalExample> examples) {
        int k = 0;
        for (EvalExample e : examples) {
            if (e.targets().isEmpty()) {
                throw new IllegalArgumentException("example " + (e.index() + 1)
                        + " has no target to score against (check --target-column)");
            }
            k = Math.max(k, e.targets().size());
        }
        List<List<String>> streams = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            List<String> s = new ArrayList<>(examples.size());
            for (EvalExample e : examples) {
                s.add(r < e.targets().size() ? e.targets().get(r) : e.targets().getFirst());
            }
            streams.add(s);
        }
        return streams;
    }

    /** One system's metric entries, with intervals. */
    public static List<EvalReport.MetricEntry> entries(List<MetricScore> scores, BootstrapSettings b) {
        List<EvalReport.MetricEntry> out = new ArrayList<>();
        for (MetricScore s : scores) {
            Bootstrap.Interval iv = s.statistic() != null && b.samples() > 0 && s.statistic().size() > 0
                    ? Bootstrap.interval(s.statistic(), b.samples(), b.confidence(), b.seed()) : null;
            out.add(new EvalReport.MetricEntry(s.name(), s.value(), s.higherIsBetter(), iv, s.statistics(), s.line()));
        }
        return out;
    }

    /** Paired tests of {@code system} against {@code baseline}, metric by metric (same order in both). */
    public static List<EvalReport.PairedMetric> compare(List<MetricScore> baseline, List<MetricScore> system,
            BootstrapSettings b) {
        List<EvalReport.PairedMetric> out = new ArrayList<>();
        for (int i = 0; i < baseline.size(); i++) {
            MetricScore x = baseline.get(i);
            MetricScore y = system.get(i);
            if (x.statistic() == null || y.statistic() == null || b.samples() == 0) {
                out.add(new EvalReport.PairedMetric(x.name(), x.higherIsBetter(), x.value(), y.value(),
                        y.value() - x.value(), Double.NaN, 0, b.seed()));
                continue;
            }
            Bootstrap.Paired p = Bootstrap.paired(x.statistic(), y.statistic(), b.samples(), b.confidence(), b.seed());
            out.add(new EvalReport.PairedMetric(x.name(), x.higherIsBetter(), x.value(), y.value(), p.delta(),
                    p.pValue(), p.samples(), p.seed()));
        }
        return out;
    }

    /**
     * The examples to show: with two systems those whose sentence-level score under {@code metric}
     * changed most (largest absolute difference first, then example order); else the first ones.
     */
    public static List<EvalReport.ExampleRow> examples(List<EvalExample> examples, List<List<String>> outputs,
            List<MetricScore> firstMetricPerSystem, int shown) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            order.add(i);
        }
        boolean scored = firstMetricPerSystem.stream().allMatch(m -> m != null && m.statistic() != null);
        if (outputs.size() > 1 && scored) {
            CorpusStatistic a = firstMetricPerSystem.get(0).statistic();
            CorpusStatistic b = firstMetricPerSystem.get(1).statistic();
            order.sort(Comparator.comparingDouble((Integer i) -> -Math.abs(nanToZero(b.exampleScore(i))
                    - nanToZero(a.exampleScore(i)))).thenComparingInt(i -> i));
        }
        List<EvalReport.ExampleRow> rows = new ArrayList<>();
        for (int k = 0; k < Math.min(shown, order.size()); k++) {
            int i = order.get(k);
            EvalExample e = examples.get(i);
            List<String> outs = new ArrayList<>();
            for (List<String> o : outputs) {
                outs.add(o.isEmpty() ? "" : o.get(i));
            }
            List<Double> scores = new ArrayList<>();
            String name = "";
            if (scored && !firstMetricPerSystem.isEmpty()) {
                name = firstMetricPerSystem.getFirst().name();
                for (MetricScore m : firstMetricPerSystem) {
                    scores.add(m.statistic().exampleScore(i));
                }
            }
            rows.add(new EvalReport.ExampleRow(e.index(), e.input(), e.targets(), outs, name, scores));
        }
        return rows;
    }

    private static double nanToZero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
