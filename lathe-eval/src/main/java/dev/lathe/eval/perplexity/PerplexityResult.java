package dev.lathe.eval.perplexity;

import java.util.List;

/**
 * The perplexity of a model on a text or a dataset. Corpus figures are token-weighted: the NLL of
 * every scored token of every text, summed, over their count (so a long text weighs more than a short
 * one, as if the texts were one stream scored text by text).
 *
 * @param tokensScored tokens whose log-likelihood was computed, over all texts
 * @param totalNll sum of their negative log-likelihoods, in nats
 * @param meanNll {@code totalNll / tokensScored}: the cross-entropy in nats per token
 * @param perplexity {@code exp(meanNll)}
 * @param bitsPerToken {@code meanNll / ln 2}
 * @param texts one result per text, in input order
 * @param settings window, stride and BOS used
 */
public record PerplexityResult(long tokensScored, double totalNll, double meanNll, double perplexity,
        double bitsPerToken, List<TextPerplexity> texts, PerplexitySettings settings) {
    public PerplexityResult {
        texts = List.copyOf(texts);
    }

    static PerplexityResult of(List<TextPerplexity> texts, PerplexitySettings settings) {
        long scored = 0;
        double nll = 0;
        for (TextPerplexity t : texts) {
            scored += t.tokensScored();
            nll += t.totalNll();
        }
        if (scored == 0) {
            throw new IllegalArgumentException("no token could be scored: each of the " + texts.size()
                    + " sequences has fewer than 2 tokens (the first token of a sequence is never predicted)");
        }
        double mean = nll / scored;
        return new PerplexityResult(scored, nll, mean, Math.exp(mean), mean / Math.log(2), texts, settings);
    }

    /** A one-line summary, e.g. {@code perplexity 3.2104 (1.6827 bits/token, 812 tokens; window=512 ...)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "perplexity %.4f (%.4f bits/token, %d tokens; %s)", perplexity,
                bitsPerToken, tokensScored, settings.describe());
    }
}
