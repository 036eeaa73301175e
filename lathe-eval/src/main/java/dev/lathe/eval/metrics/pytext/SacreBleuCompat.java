package dev.lathe.eval.metrics.pytext;

import java.util.List;
import java.util.StringJoiner;

/**
 * What our sacreBLEU-compatible metrics (BLEU, chrF) share: the version field of their signatures
 * and the signature layout ({@code key:value} pairs joined by {@code |}, version last).
 *
 * <p>sacreBLEU writes its own package version into {@code version:}. We are not sacreBLEU, so we do not
 * print a bare sacreBLEU version; we print {@value #VERSION}: a PEP 440 local version label meaning
 * "sacreBLEU 2.6.0 semantics, computed by another implementation (Lathe)". Scores with this signature
 * are expected to equal sacreBLEU 2.6.0's for the same settings (that is what our tests check), and
 * any tool that splits signatures on {@code |} and {@code :} still parses it.
 */
public final class SacreBleuCompat {

  /** The value of the {@code version} field in our signatures. */
  public static final String VERSION = "2.6.0+lathe";

  private SacreBleuCompat() {}

  /** One signature field: its long and short (abbreviated) names and its value. */
  public record Field(String name, String abbreviation, String value) {}

  /**
   * Joins fields as sacreBLEU's {@code Signature.format(short)} does ({@code nrefs} first as given,
   * {@code version} appended last).
   */
  public static String format(List<Field> fields, boolean shortForm) {
    StringJoiner j = new StringJoiner("|");
    for (Field f : fields) j.add((shortForm ? f.abbreviation() : f.name()) + ":" + f.value());
    j.add((shortForm ? "v" : "version") + ":" + VERSION);
    return j.toString();
  }

  /** nrefs as sacreBLEU prints it: the count, or {@code var} when segments have different counts (-1). */
  public static String nrefs(int numRefs) {
    return numRefs < 0 ? "var" : Integer.toString(numRefs);
  }

}
