package dev.lathe.eval.metrics.bleu;

/**
 * Settings of a BLEU computation, named and defaulted as sacreBLEU 2.x's {@code BLEU(...)} constructor:
 * lowercase false, force false, tokenize 13a, smooth_method exp, smooth_value default of the method
 * (NaN here = "use the default"), max_ngram_order 4, effective_order false. For sentence-level BLEU
 * sacreBLEU recommends (and {@code sacrebleu.sentence_bleu} uses) effective order: see
 * {@link #sentenceDefaults()}.
 *
 * @param lowercase lowercase hypotheses and references before tokenizing
 * @param force do not warn when 100 or more hypotheses end in " ." (look tokenized already)
 * @param tokenizer the tokenizer
 * @param smoothing the smoothing method
 * @param smoothValue the value for floor / add-k; NaN selects the method's default
 * @param maxNgramOrder the highest n-gram order (>= 1)
 * @param effectiveOrder average only the orders that have n-grams in the hypothesis
 */
public record BleuOptions(boolean lowercase, boolean force, BleuTokenizer tokenizer, BleuSmoothing smoothing,
    double smoothValue, int maxNgramOrder, boolean effectiveOrder) {

  public BleuOptions {
    if (tokenizer == null) throw new IllegalArgumentException("tokenizer must not be null");
    if (smoothing == null) throw new IllegalArgumentException("smoothing must not be null");
    if (maxNgramOrder < 1) throw new IllegalArgumentException("maxNgramOrder must be >= 1, got " + maxNgramOrder);
    if (Double.isInfinite(smoothValue) || smoothValue < 0)
      throw new IllegalArgumentException("smoothValue must be finite and >= 0 (or NaN for the default), got " + smoothValue);
  }

  /** sacreBLEU's {@code BLEU()} defaults (corpus level). */
  public static BleuOptions defaults() {
    return new BleuOptions(false, false, BleuTokenizer.TOKENIZER_13A, BleuSmoothing.EXP, Double.NaN, 4, false);
  }

  /** Defaults of {@code sacrebleu.sentence_bleu}: as {@link #defaults()} with effective order on. */
  public static BleuOptions sentenceDefaults() {
    return defaults().withEffectiveOrder(true);
  }

  public BleuOptions withLowercase(boolean v) {
    return new BleuOptions(v, force, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
  }

  public BleuOptions withForce(boolean v) {
    return new BleuOptions(lowercase, v, tokenizer, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
  }

  public BleuOptions withTokenizer(BleuTokenizer v) {
    return new BleuOptions(lowercase, force, v, smoothing, smoothValue, maxNgramOrder, effectiveOrder);
  }

  /** Smoothing method with its default value. */
  public BleuOptions withSmoothing(BleuSmoothing v) {
    return new BleuOptions(lowercase, force, tokenizer, v, Double.NaN, maxNgramOrder, effectiveOrder);
  }

  /** Smoothing method with an explicit value (NaN = default). */
  public BleuOptions withSmoothing(BleuSmoothing v, double value) {
    return new BleuOptions(lowercase, force, tokenizer, v, value, maxNgramOrder, effectiveOrder);
  }

  public BleuOptions withMaxNgramOrder(int v) {
    return new BleuOptions(lowercase, force, tokenizer, smoothing, smoothValue, v, effectiveOrder);
  }

  public BleuOptions withEffectiveOrder(boolean v) {
    return new BleuOptions(lowercase, force, tokenizer, smoothing, smoothValue, maxNgramOrder, v);
  }

  /** The smoothing value in effect: the given one, or the method's default. */
  public double effectiveSmoothValue() {
    return Double.isNaN(smoothValue) ? smoothing.defaultValue() : smoothValue;
  }
}
