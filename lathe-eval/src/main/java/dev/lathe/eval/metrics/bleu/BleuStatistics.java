package dev.lathe.eval.metrics.bleu;

import java.util.Arrays;

/**
 * BLEU's sufficient statistics for one segment or a sum of segments: hypothesis length, the
 * closest reference length, and per order n (index n-1) the clipped matching n-gram count and the
 * hypothesis n-gram count. Corpus BLEU is BLEU of the summed statistics (what bootstrap resampling
 * also needs). {@code numRefs} is the number of references per segment, or -1 when it varies (the
 * signature then says {@code nrefs:var}).
 *
 * @param sysLen hypothesis tokens
 * @param refLen closest reference tokens (ties: the shorter)
 * @param correct clipped matches per order, length max_ngram_order
 * @param total hypothesis n-grams per order, length max_ngram_order
 * @param numRefs references per segment, -1 if variable
 */
public record BleuStatistics(long sysLen, long refLen, long[] correct, long[] total, int numRefs) {

  public BleuStatistics {
    if (correct == null || total == null || correct.length != total.length || correct.length == 0)
      throw new IllegalArgumentException("correct and total must be non-empty and of equal length, got "
          + Arrays.toString(correct) + " and " + Arrays.toString(total));
    correct = correct.clone();
    total = total.clone();
  }

  @Override
  public long[] correct() {
    return correct.clone();
  }

  @Override
  public long[] total() {
    return total.clone();
  }

  /** The maximum n-gram order these statistics count. */
  public int maxNgramOrder() {
    return correct.length;
  }

  /** Element-wise sum (numRefs stays if equal, else becomes -1 = variable). */
  public BleuStatistics plus(BleuStatistics o) {
    if (o.correct.length != correct.length)
      throw new IllegalArgumentException("cannot add statistics of order " + o.correct.length + " to order " + correct.length);
    long[] c = correct.clone();
    long[] t = total.clone();
    for (int i = 0; i < c.length; i++) {
      c[i] += o.correct[i];
      t[i] += o.total[i];
    }
    return new BleuStatistics(sysLen + o.sysLen, refLen + o.refLen, c, t, numRefs == o.numRefs ? numRefs : -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BleuStatistics s && s.sysLen == sysLen && s.refLen == refLen && s.numRefs == numRefs
        && Arrays.equals(s.correct, correct) && Arrays.equals(s.total, total);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(sysLen) * 31 + Arrays.hashCode(correct) * 17 + Arrays.hashCode(total);
  }

  @Override
  public String toString() {
    return "BleuStatistics[sysLen=" + sysLen + ", refLen=" + refLen + ", correct=" + Arrays.toString(correct)
        + ", total=" + Arrays.toString(total) + ", numRefs=" + numRefs + "]";
  }
}
