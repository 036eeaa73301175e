package dev.lathe.eval.metrics.bleu;

import dev.lathe.eval.metrics.pytext.PyStr;
import java.util.Arrays;
import java.util.StringJoiner;

/**
 * A BLEU score with every statistic sacreBLEU's {@code BLEUScore} reports: the score (0..100),
 * matching and total n-gram counts per order, the precisions (percent) used, the brevity penalty,
 * hypothesis and reference lengths, and the signature of the settings.
 *
 * <p>One deliberate difference: with {@code add-k} smoothing sacreBLEU's {@code counts}/{@code totals}
 * come back with k already added to orders 2 and up (its smoothing mutates the lists); ours are the raw
 * counts, and the precisions (and score) are the smoothed ones, as in sacreBLEU.
 *
 * @param score BLEU in 0..100
 * @param counts clipped matching n-grams per order (index n-1)
 * @param totals hypothesis n-grams per order
 * @param precisions n-gram precisions in percent after smoothing (0 for orders not reached)
 * @param bp brevity penalty
 * @param sysLen hypothesis length in tokens
 * @param refLen reference length in tokens
 * @param signature the settings
 */
public record BleuScore(double score, long[] counts, long[] totals, double[] precisions, double bp,
    long sysLen, long refLen, BleuSignature signature) {

  public BleuScore {
    counts = counts.clone();
    totals = totals.clone();
    precisions = precisions.clone();
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  @Override
  public long[] totals() {
    return totals.clone();
  }

  @Override
  public double[] precisions() {
    return precisions.clone();
  }

  /** sys_len / ref_len, or 0 when ref_len is 0 (as sacreBLEU). */
  public double ratio() {
    return refLen == 0 ? 0 : (double) sysLen / refLen;
  }

  /** sacreBLEU's verbose part: {@code 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)}. */
  public String verbose() {
    StringJoiner p = new StringJoiner("/");
    for (double v : precisions) p.add(PyStr.fixed(v, 1));
    return p + " (BP = " + PyStr.fixed(bp, 3) + " ratio = " + PyStr.fixed(ratio(), 3)
        + " hyp_len = " + sysLen + " ref_len = " + refLen + ")";
  }

  /** {@code BLEU = 48.53 82.4/...}: sacreBLEU's {@code repr} (score with 2 decimals, no signature). */
  public String format() {
    return format(2, false);
  }

  /**
   * The score line as sacreBLEU's {@code Score.format(width, signature=...)}: {@code BLEU|<signature> =
   * <score> <verbose>} or without the signature. The command line of sacreBLEU uses width 1.
   */
  public String format(int width, boolean withSignature) {
    String name = withSignature ? "BLEU|" + signature.format(false) : "BLEU";
    return name + " = " + PyStr.fixed(score, width) + " " + verbose();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BleuScore s && Double.compare(s.score, score) == 0 && Arrays.equals(s.counts, counts)
        && Arrays.equals(s.totals, totals) && Arrays.equals(s.precisions, precisions)
        && Double.compare(s.bp, bp) == 0 && s.sysLen == sysLen && s.refLen == refLen && s.signature.equals(signature);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(score) * 31 + Arrays.hashCode(counts);
  }

  @Override
  public String toString() {
    return format();
  }
}
