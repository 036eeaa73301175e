package dev.lathe.eval.harness;

import dev.lathe.eval.metrics.squad.Squad;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SQuAD v1.1 exact match and F1 for the harness: each prediction's best over its gold answers (the
 * reference streams), averaged and scaled to percent as evaluate-v1.1.py prints
 * {@code {"exact_match": .., "f1": ..}}. Two scores: {@code exact_match} and {@code f1}.
 */
public record SquadMetric() implements TextMetric {
    @Override
    public String id() {
        return "squad";
    }

    @Override
    public List<MetricScore> score(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        int n = hypotheses.size();
        double[] em = new double[n];
        double[] f1 = new double[n];
        for (int i = 0; i < n; i++) {
            List<String> golds = TextMetric.referencesOf(references, i);
            em[i] = Squad.maxExactMatch(hypotheses.get(i), golds);
            f1[i] = Squad.maxF1(hypotheses.get(i), golds);
        }
        CorpusStatistic emStat = CorpusStatistic.mean(em, 100);
        CorpusStatistic f1Stat = CorpusStatistic.mean(f1, 100);
        double exact = emStat.score();
        double f = f1Stat.score();
        String line = String.format(Locale.ROOT, "{\"exact_match\": %s, \"f1\": %s}", py(exact), py(f));
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("exact_match", exact);
        stats.put("f1", f);
        stats.put("total", n);
        return List.of(new MetricScore("exact_match", exact, line, stats, emStat, true),
                new MetricScore("f1", f, line, stats, f1Stat, true));
    }

    /** Python's repr of a float (shortest round-trip digits), as json.dumps prints it. */
    static String py(double v) {
        String s = Double.toString(v);
        if (s.contains("E")) {
            return new java.math.BigDecimal(s).toPlainString();
        }
        return s;
    }
}
