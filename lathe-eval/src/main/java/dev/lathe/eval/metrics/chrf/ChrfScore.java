package dev.lathe.eval.metrics.chrf;

import dev.lathe.eval.metrics.pytext.PyStr;

/**
 * A chrF / chrF++ score as sacreBLEU's {@code CHRFScore}: the score (0..100), its name
 * ({@code chrF2}, {@code chrF2++}: beta then one '+' per word order), the summed statistics it was
 * computed from and the signature.
 *
 * @param score chrF in 0..100
 * @param charOrder character order
 * @param wordOrder word order
 * @param beta recall weight
 * @param statistics summed [hyp, ref, match] triplets per order
 * @param signature the settings
 */
public record ChrfScore(double score, int charOrder, int wordOrder, int beta, ChrfStatistics statistics,
    ChrfSignature signature) {

  /** {@code chrF<beta>} followed by one '+' per word order, as sacreBLEU names it. */
  public String name() {
    return "chrF" + beta + "+".repeat(wordOrder);
  }

  /** {@code chrF2 = 59.73}: sacreBLEU's {@code repr}. */
  public String format() {
    return format(2, false);
  }

  /** {@code chrF2|<signature> = 59.7} as sacreBLEU's {@code Score.format(width, signature=...)}. */
  public String format(int width, boolean withSignature) {
    return (withSignature ? name() + "|" + signature.format(false) : name()) + " = " + PyStr.fixed(score, width);
  }

  @Override
  public String toString() {
    return format();
  }
}
