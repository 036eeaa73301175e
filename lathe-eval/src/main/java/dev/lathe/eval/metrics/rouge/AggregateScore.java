package dev.lathe.eval.metrics.rouge;

/**
 * A bootstrap confidence interval of one ROUGE measure over a corpus, as rouge-score's
 * {@code AggregateScore}: {@code low} and {@code high} are the lower and upper percentiles of the
 * resampled means (2.5th and 97.5th for a 95% interval), {@code mid} their median.
 */
public record AggregateScore(RougeScore low, RougeScore mid, RougeScore high) {

    public AggregateScore {
        if (low == null || mid == null || high == null) {
            throw new IllegalArgumentException("low, mid and high must not be null");
        }
    }
}
