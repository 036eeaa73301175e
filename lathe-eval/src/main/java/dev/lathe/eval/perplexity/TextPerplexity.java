package dev.lathe.eval.perplexity;

import java.util.List;

/**
 * The perplexity of one text (or token sequence) of a dataset. A sequence of fewer than two tokens
 * scores nothing: its mean, perplexity and bits are NaN and it adds nothing to the corpus figures.
 *
 * @param tokens the sequence's length in tokens (BOS included when prepended)
 * @param tokensScored tokens whose log-likelihood was computed
 * @param totalNll sum of their negative log-likelihoods, in nats
 * @param meanNll {@code totalNll / tokensScored}
 * @param perplexity {@code exp(meanNll)}
 * @param bitsPerToken {@code meanNll / ln 2}
 * @param windows the forward passes, in order
 */
public record TextPerplexity(int tokens, long tokensScored, double totalNll, double meanNll, double perplexity,
        double bitsPerToken, List<WindowScore> windows) {
    public TextPerplexity {
        windows = List.copyOf(windows);
    }

    static TextPerplexity of(int tokens, List<WindowScore> windows) {
        long scored = 0;
        double nll = 0;
        for (WindowScore w : windows) {
            scored += w.scored();
            nll += w.nll();
        }
        double mean = scored == 0 ? Double.NaN : nll / scored;
        return new TextPerplexity(tokens, scored, nll, mean, Math.exp(mean), mean / Math.log(2), windows);
    }
}
