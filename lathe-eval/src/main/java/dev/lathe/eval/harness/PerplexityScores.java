package dev.lathe.eval.harness;

import dev.lathe.eval.perplexity.PerplexityResult;
import dev.lathe.eval.perplexity.TextPerplexity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link PerplexityResult} as a {@link MetricScore}: the corpus perplexity, resampled as
 * {@code exp(sum NLL / sum tokens)} over the resampled texts (token-weighted, as the corpus figure is).
 */
public final class PerplexityScores {
    private PerplexityScores() {}

    public static MetricScore of(PerplexityResult r) {
        int n = r.texts().size();
        double[] nll = new double[n];
        double[] tokens = new double[n];
        for (int i = 0; i < n; i++) {
            TextPerplexity t = r.texts().get(i);
            nll[i] = t.totalNll();
            tokens[i] = t.tokensScored();
        }
        CorpusStatistic stat = CorpusStatistic.ratio(nll, tokens, (s, c) -> c > 0 ? Math.exp(s / c) : Double.NaN);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("perplexity", r.perplexity());
        stats.put("mean_nll", r.meanNll());
        stats.put("bits_per_token", r.bitsPerToken());
        stats.put("total_nll", r.totalNll());
        stats.put("tokens_scored", r.tokensScored());
        stats.put("window", r.settings().window());
        stats.put("stride", r.settings().stride());
        stats.put("bos", r.settings().bos());
        return new MetricScore("perplexity", r.perplexity(), r.describe(), stats, stat, false);
    }
}
