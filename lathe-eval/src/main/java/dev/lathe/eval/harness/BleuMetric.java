package dev.lathe.eval.harness;

import dev.lathe.eval.metrics.bleu.Bleu;
import dev.lathe.eval.metrics.bleu.BleuOptions;
import dev.lathe.eval.metrics.bleu.BleuScore;
import dev.lathe.eval.metrics.bleu.BleuStatistics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BLEU for the harness: sacreBLEU's score line ({@code BLEU|<signature> = 48.5 82.4/... (BP = ...)}),
 * every statistic, and resampling by summing the per-segment statistics of the drawn segments, as
 * sacreBLEU's bootstrap does. Sentence-level lines use effective order, as sacreBLEU's
 * {@code --sentence-level} turns it on.
 *
 * @param width decimals of the printed score (sacreBLEU's {@code --width}, 1 on its command line)
 */
public record BleuMetric(BleuOptions options, int width) implements SentenceLevelMetric {
    public static BleuMetric defaults() {
        return new BleuMetric(BleuOptions.defaults(), 1);
    }

    @Override
    public String id() {
        return "bleu";
    }

    @Override
    public List<MetricScore> score(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        Bleu bleu = new Bleu(options);
        List<BleuStatistics> segments = bleu.segmentStatistics(hypotheses, references);
        BleuScore s = bleu.score(Bleu.sum(segments));
        Bleu sentence = new Bleu(options.withEffectiveOrder(true));
        CorpusStatistic stat = CorpusStatistic.summed(segments, drawn -> bleu.score(Bleu.sum(drawn)).score(),
                seg -> sentence.score(seg).score());
        return List.of(new MetricScore("BLEU", s.score(), s.format(width, true), statistics(s), stat, true));
    }

    @Override
    public List<String> sentenceLines(List<String> hypotheses, List<List<String>> references) {
        TextMetric.checkAligned(hypotheses, references);
        Bleu sentence = new Bleu(options.withEffectiveOrder(true));
        List<String> out = new ArrayList<>();
        for (BleuStatistics st : sentence.segmentStatistics(hypotheses, references)) {
            out.add(sentence.score(st).format(width, true));
        }
        return out;
    }

    /** sacreBLEU's JSON fields, plus the raw counts. */
    static Map<String, Object> statistics(BleuScore s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "BLEU");
        m.put("score", s.score());
        m.put("signature", s.signature().format(false));
        m.put("verbose_score", s.verbose());
        m.put("counts", s.counts());
        m.put("totals", s.totals());
        m.put("precisions", s.precisions());
        m.put("bp", s.bp());
        m.put("sys_len", s.sysLen());
        m.put("ref_len", s.refLen());
        m.put("ratio", s.ratio());
        return m;
    }
}
