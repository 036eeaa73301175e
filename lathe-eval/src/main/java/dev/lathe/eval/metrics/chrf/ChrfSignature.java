package dev.lathe.eval.metrics.chrf;

import dev.lathe.eval.metrics.pytext.SacreBleuCompat;
import dev.lathe.eval.metrics.pytext.SacreBleuCompat.Field;
import java.util.List;

/**
 * The reproducibility signature of a chrF score in sacreBLEU 2.x's layout, e.g.
 * {@code nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0+lathe} ({@code eff:yes} means
 * effective-order averaging, i.e. no epsilon smoothing). The version field is
 * {@link SacreBleuCompat#VERSION}, not a sacreBLEU release.
 *
 * @param nrefs references per segment, or {@code var}
 * @param lowercase whether case was folded
 * @param epsSmoothing epsilon smoothing (printed as {@code eff:no})
 * @param charOrder character order
 * @param wordOrder word order
 * @param whitespace whether whitespace was kept
 */
public record ChrfSignature(String nrefs, boolean lowercase, boolean epsSmoothing, int charOrder, int wordOrder,
    boolean whitespace) {

  static ChrfSignature of(ChrfOptions o, int numRefs) {
    return new ChrfSignature(SacreBleuCompat.nrefs(numRefs), o.lowercase(), o.epsSmoothing(), o.charOrder(),
        o.wordOrder(), o.whitespace());
  }

  /** The signature; {@code shortForm} abbreviates the keys as sacreBLEU's {@code --short}. */
  public String format(boolean shortForm) {
    return SacreBleuCompat.format(List.of(
        new Field("nrefs", "#", nrefs),
        new Field("case", "c", lowercase ? "lc" : "mixed"),
        new Field("eff", "e", epsSmoothing ? "no" : "yes"),
        new Field("nc", "nc", Integer.toString(charOrder)),
        new Field("nw", "nw", Integer.toString(wordOrder)),
        new Field("space", "s", whitespace ? "yes" : "no")), shortForm);
  }

  @Override
  public String toString() {
    return format(false);
  }
}
