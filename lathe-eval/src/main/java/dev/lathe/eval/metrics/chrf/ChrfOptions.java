package dev.lathe.eval.metrics.chrf;

/**
 * Settings of chrF / chrF++, named and defaulted as sacreBLEU 2.x's {@code CHRF(...)}: char_order 6,
 * word_order 0 (2 gives chrF++), beta 2, lowercase false, whitespace false (spaces are removed before
 * character n-grams are taken), eps_smoothing false (sacreBLEU's default: average precision and recall
 * over the orders that occur, signature {@code eff:yes}); true gives chrF++.py / Moses / NLTK epsilon
 * smoothing (F averaged over all orders, {@code eff:no}).
 *
 * @param charOrder character n-gram order (>= 1)
 * @param wordOrder word n-gram order (>= 0)
 * @param beta recall weight (>= 0)
 * @param lowercase fold case
 * @param whitespace keep whitespace in character n-grams
 * @param epsSmoothing epsilon smoothing instead of effective order
 */
public record ChrfOptions(int charOrder, int wordOrder, int beta, boolean lowercase, boolean whitespace,
    boolean epsSmoothing) {

  public ChrfOptions {
    if (charOrder < 1) throw new IllegalArgumentException("charOrder must be >= 1, got " + charOrder);
    if (wordOrder < 0) throw new IllegalArgumentException("wordOrder must be >= 0, got " + wordOrder);
    if (beta < 0) throw new IllegalArgumentException("beta must be >= 0, got " + beta);
  }

  /** chrF2: sacreBLEU's {@code CHRF()} defaults. */
  public static ChrfOptions chrf() {
    return new ChrfOptions(6, 0, 2, false, false, false);
  }

  /** chrF2++: as {@link #chrf()} with word order 2. */
  public static ChrfOptions chrfPlusPlus() {
    return chrf().withWordOrder(2);
  }

  public ChrfOptions withCharOrder(int v) {
    return new ChrfOptions(v, wordOrder, beta, lowercase, whitespace, epsSmoothing);
  }

  public ChrfOptions withWordOrder(int v) {
    return new ChrfOptions(charOrder, v, beta, lowercase, whitespace, epsSmoothing);
  }

  public ChrfOptions withBeta(int v) {
    return new ChrfOptions(charOrder, wordOrder, v, lowercase, whitespace, epsSmoothing);
  }

  public ChrfOptions withLowercase(boolean v) {
    return new ChrfOptions(charOrder, wordOrder, beta, v, whitespace, epsSmoothing);
  }

  public ChrfOptions withWhitespace(boolean v) {
    return new ChrfOptions(charOrder, wordOrder, beta, lowercase, v, epsSmoothing);
  }

  public ChrfOptions withEpsSmoothing(boolean v) {
    return new ChrfOptions(charOrder, wordOrder, beta, lowercase, whitespace, v);
  }

  /** Total number of orders (char + word). */
  public int order() {
    return charOrder + wordOrder;
  }
}
