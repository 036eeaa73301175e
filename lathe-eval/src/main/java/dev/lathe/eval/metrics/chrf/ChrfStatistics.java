package dev.lathe.eval.metrics.chrf;

import java.util.Arrays;

/**
 * chrF's sufficient statistics for one segment or a sum of segments: for each order (character
 * orders 1..char_order, then word orders 1..word_order) the triplet [hypothesis n-grams, reference
 * n-grams, matches], flattened as sacreBLEU does (index 3*i, 3*i+1, 3*i+2). Corpus chrF is the F score
 * of the summed statistics. {@code numRefs} is references per segment, -1 when it varies.
 *
 * @param stats flattened [hyp, ref, match] triplets
 * @param numRefs references per segment, -1 if variable
 */
public record ChrfStatistics(long[] stats, int numRefs) {

  public ChrfStatistics {
    if (stats == null || stats.length == 0 || stats.length % 3 != 0)
      throw new IllegalArgumentException("stats must hold [hyp, ref, match] triplets, got " + Arrays.toString(stats));
    stats = stats.clone();
  }

  @Override
  public long[] stats() {
    return stats.clone();
  }

  /** Number of orders (char + word). */
  public int orders() {
    return stats.length / 3;
  }

  /** Hypothesis n-grams of order index i (0-based over char then word orders). */
  public long hyp(int i) {
    return stats[3 * i];
  }

  /** Reference n-grams of order index i. */
  public long ref(int i) {
    return stats[3 * i + 1];
  }

  /** Matching n-grams of order index i. */
  public long match(int i) {
    return stats[3 * i + 2];
  }

  /** Element-wise sum (numRefs stays if equal, else -1 = variable). */
  public ChrfStatistics plus(ChrfStatistics o) {
    if (o.stats.length != stats.length)
      throw new IllegalArgumentException("cannot add statistics of " + o.orders() + " orders to " + orders());
    long[] s = stats.clone();
    for (int i = 0; i < s.length; i++) s[i] += o.stats[i];
    return new ChrfStatistics(s, numRefs == o.numRefs ? numRefs : -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChrfStatistics c && c.numRefs == numRefs && Arrays.equals(c.stats, stats);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(stats) * 31 + numRefs;
  }

  @Override
  public String toString() {
    return "ChrfStatistics[stats=" + Arrays.toString(stats) + ", numRefs=" + numRefs + "]";
  }
}
