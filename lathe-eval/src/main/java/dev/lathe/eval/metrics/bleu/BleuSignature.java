package dev.lathe.eval.metrics.bleu;

import dev.lathe.eval.metrics.pytext.PyStr;
import dev.lathe.eval.metrics.pytext.SacreBleuCompat;
import dev.lathe.eval.metrics.pytext.SacreBleuCompat.Field;
import java.util.List;

/**
 * The reproducibility signature of a BLEU score in sacreBLEU 2.x's layout, e.g.
 * {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0+lathe} (short form
 * {@code #:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0+lathe}). The version field is
 * {@link SacreBleuCompat#VERSION}, not a sacreBLEU release (see there why).
 *
 * @param nrefs references per segment, or {@code var}
 * @param lowercase whether case was folded
 * @param effectiveOrder whether effective order was used
 * @param tokenizer the tokenizer's name
 * @param smooth the smoothing method, with its value for floor / add-k, e.g. {@code floor[0.10]}
 */
public record BleuSignature(String nrefs, boolean lowercase, boolean effectiveOrder, String tokenizer, String smooth) {

  static BleuSignature of(BleuOptions o, int numRefs) {
    String smooth = o.smoothing().signature();
    if (o.smoothing().takesValue()) smooth += "[" + PyStr.fixed(o.effectiveSmoothValue(), 2) + "]";
    return new BleuSignature(SacreBleuCompat.nrefs(numRefs), o.lowercase(), o.effectiveOrder(),
        o.tokenizer().signature(), smooth);
  }

  /** The signature; {@code shortForm} abbreviates the keys as sacreBLEU's {@code --short}. */
  public String format(boolean shortForm) {
    return SacreBleuCompat.format(List.of(
        new Field("nrefs", "#", nrefs),
        new Field("case", "c", lowercase ? "lc" : "mixed"),
        new Field("eff", "e", effectiveOrder ? "yes" : "no"),
        new Field("tok", "tok", tokenizer),
        new Field("smooth", "s", smooth)), shortForm);
  }

  @Override
  public String toString() {
    return format(false);
  }
}
