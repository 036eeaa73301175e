package dev.lathe.eval.harness;

import dev.lathe.eval.metrics.chrf.Chrf;
import dev.lathe.eval.metrics.chrf.ChrfOptions;
import dev.lathe.eval.metrics.chrf.ChrfScore;
import dev.lathe.eval.metrics.chrf.ChrfStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * chrF / chrF++ for the harness: sacreBLEU's line ({@code chrF2|<signature> = 59.7}), the summed
 * statistics, and resampling by summing the drawn segments' statistics.
 */
public record ChrfMetric(ChrfOptions options, int width) implements SentenceLevelMetric {
    public static ChrfMetric defaults() {
        return new ChrfMetric(ChrfOptions.chrf(), 1);
    }

    @Override
    public String id() {
        return "chrf";
    }

    @Override
    public List<MetricScore> score(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        Chrf chrf = new Chrf(options);
        List<ChrfStatistics> segments = chrf.segmentStatistics(hypotheses, references);
        ChrfScore s = chrf.score(Chrf.sum(segments));
        CorpusStatistic stat = CorpusStatistic.summed(segments, drawn -> chrf.score(Chrf.sum(drawn)).score(),
                seg -> chrf.score(seg).score());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("score", s.score());
        m.put("signature", s.signature().format(false));
        m.put("char_order", s.charOrder());
        m.put("word_order", s.wordOrder());
        m.put("beta", s.beta());
        m.put("statistics", s.statistics().stats());
        return List.of(new MetricScore(s.name(), s.score(), s.format(width, true), m, stat, true));
    }

    @Override
    public List<String> sentenceLines(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        Chrf chrf = new Chrf(options);
        List<String> out = new ArrayList<>();
        for (ChrfStatistics st : chrf.segmentStatistics(hypotheses, references)) {
            out.add(chrf.score(st).format(width, true));
        }
        return out;
    }
}
