package dev.lathe.eval.harness;

import dev.lathe.eval.metrics.rouge.AggregateScore;
import dev.lathe.eval.metrics.rouge.BootstrapAggregator;
import dev.lathe.eval.metrics.rouge.RougeScore;
import dev.lathe.eval.metrics.rouge.RougeScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ROUGE for the harness, as rouge-score computes it: each prediction against its targets (the best
 * over several, rouge-score's {@code score_multi}), averaged over examples per type. One
 * {@link MetricScore} per type, named after it, whose headline is the mean F-measure and whose line
 * shows mean P, R and F; with {@code bootstrap} set, rouge-score's BootstrapAggregator intervals
 * (low/mid/high of P, R and F) are added to the statistics and the line.
 *
 * @param bootstrap the aggregator's settings, or null for plain means
 */
public record RougeMetric(List<String> rougeTypes, boolean useStemmer, boolean splitSummaries,
        Evaluation.BootstrapSettings bootstrap) implements TextMetric {
    public static RougeMetric defaults() {
        return new RougeMetric(List.of("rouge1", "rouge2", "rougeL"), false, false, null);
    }

    @Override
    public String id() {
        return "rouge";
    }

    @Override
    public List<MetricScore> score(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        RougeScorer scorer = new RougeScorer(rougeTypes, useStemmer, splitSummaries);
        List<Map<String, RougeScore>> per = new ArrayList<>(hypotheses.size());
        for (int i = 0; i < hypotheses.size(); i++) {
            List<String> targets = TextMetric.referencesOf(references, i);
            per.add(targets.size() == 1 ? scorer.score(targets.getFirst(), hypotheses.get(i))
                    : scorer.scoreMulti(targets, hypotheses.get(i)));
        }
        Map<String, AggregateScore> intervals = null;
        if (bootstrap != null) {
            BootstrapAggregator agg = new BootstrapAggregator(bootstrap.confidence(), bootstrap.samples(),
                    bootstrap.seed());
            per.forEach(agg::addScores);
            intervals = agg.aggregate();
        }
        List<MetricScore> out = new ArrayList<>();
        for (var type : scorer.rougeTypes()) {
            String name = type.name();
            int n = per.size();
            double[] p = new double[n];
            double[] r = new double[n];
            double[] f = new double[n];
            for (int i = 0; i < n; i++) {
                RougeScore s = per.get(i).get(name);
                p[i] = s.precision();
                r[i] = s.recall();
                f[i] = s.fmeasure();
            }
            double mp = mean(p);
            double mr = mean(r);
            double mf = mean(f);
            Map<String, Object> stats = new LinkedHashMap<>();
            stats.put("precision", mp);
            stats.put("recall", mr);
            stats.put("fmeasure", mf);
            stats.put("signature", scorer.signature());
            String line = String.format(Locale.ROOT, "%s: P = %.4f R = %.4f F = %.4f", name, mp, mr, mf);
            if (intervals != null) {
                AggregateScore a = intervals.get(name);
                stats.put("low", prf(a.low()));
                stats.put("mid", prf(a.mid()));
                stats.put("high", prf(a.high()));
                stats.put("confidence_interval", bootstrap.confidence());
                stats.put("n_samples", bootstrap.samples());
                line += String.format(Locale.ROOT, " | bootstrap %.0f%% low/mid/high F = %.4f/%.4f/%.4f",
                        bootstrap.confidence() * 100, a.low().fmeasure(), a.mid().fmeasure(), a.high().fmeasure());
            }
            out.add(new MetricScore(name, mf, line, stats, CorpusStatistic.mean(f, 1), true));
        }
        return out;
    }

    /** rouge-score's CSV rows with {@code --bootstrap}: {@code score_type,low,mid,high}. */
    public List<String> bootstrapCsv(List<MetricScore> scores) {
        List<String> rows = new ArrayList<>();
        rows.add("score_type,low,mid,high");
        for (MetricScore s : scores) {
            Map<String, Object> st = s.statistics();
            if (!st.containsKey("low")) {
                continue;
            }
            for (String k : List.of("precision", "recall", "fmeasure")) {
                String suffix = switch (k) {
                    case "precision" -> "P";
                    case "recall" -> "R";
                    default -> "F";
                };
                rows.add(String.format(Locale.ROOT, "%s-%s,%f,%f,%f", s.name(), suffix, get(st, "low", k),
                        get(st, "mid", k), get(st, "high", k)));
            }
        }
        return rows;
    }

    private static double get(Map<String, Object> st, String which, String k) {
        @SuppressWarnings("unchecked")
        Map<String, Double> m = (Map<String, Double>) st.get(which);
        return m.get(k);
    }

    private static Map<String, Double> prf(RougeScore s) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("precision", s.precision());
        m.put("recall", s.recall());
        m.put("fmeasure", s.fmeasure());
        return m;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? 0 : s / v.length;
    }
}
