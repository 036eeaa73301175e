package dev.lathe.eval.harness;

import java.util.Map;
import java.util.Objects;

/**
 * One metric's result on a corpus, in the shape the harness prints and reports: the headline number,
 * the line the reference tool prints, every statistic it reports (for {@code --json}), and the
 * resampleable statistic behind the headline (for bootstrap intervals and paired tests).
 *
 * @param name short name, e.g. {@code BLEU}, {@code chrF2}, {@code rouge1}, {@code exact_match}
 * @param value the headline score on the whole corpus
 * @param line the reference tool's one-line report (signature included where it prints one)
 * @param statistics every statistic, JSON-ready (numbers, strings, lists, maps)
 * @param statistic recomputes the headline on resamples; null when the metric cannot be resampled
 * @param higherIsBetter false for perplexity
 */
public record MetricScore(String name, double value, String line, Map<String, Object> statistics,
        CorpusStatistic statistic, boolean higherIsBetter) {
    public MetricScore {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(line, "line");
        statistics = statistics == null ? Map.of() : java.util.Collections.unmodifiableMap(
                new java.util.LinkedHashMap<>(statistics));
    }
}
