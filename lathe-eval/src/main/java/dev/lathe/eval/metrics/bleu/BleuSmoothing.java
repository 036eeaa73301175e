package dev.lathe.eval.metrics.bleu;

/**
 * BLEU smoothing methods of sacreBLEU (after Chen and Cherry, WMT 2014): {@code none}; {@code floor}
 * (method 1: a zero count becomes the value, default 0.1); {@code add-k} (method 2: k, default 1, added
 * to matches and totals of orders 2 and up); {@code exp} (method 3, mteval-v13a: the i-th order with no
 * match gets precision 1 / (2^i * total)). sacreBLEU's default is {@code exp} at corpus and sentence level.
 */
public enum BleuSmoothing {
  NONE("none", Double.NaN),
  FLOOR("floor", 0.1),
  ADD_K("add-k", 1.0),
  EXP("exp", Double.NaN);

  private final String signature;
  private final double defaultValue;

  BleuSmoothing(String signature, double defaultValue) {
    this.signature = signature;
    this.defaultValue = defaultValue;
  }

  /** The name sacreBLEU uses ({@code none}, {@code floor}, {@code add-k}, {@code exp}). */
  public String signature() {
    return signature;
  }

  /** Whether the method takes a value (floor, add-k). */
  public boolean takesValue() {
    return !Double.isNaN(defaultValue);
  }

  /** The default value (floor 0.1, add-k 1); NaN for methods that take none. */
  public double defaultValue() {
    return defaultValue;
  }

  /** The method named {@code name}. */
  public static BleuSmoothing of(String name) {
    for (BleuSmoothing s : values()) if (s.signature.equals(name)) return s;
    throw new IllegalArgumentException("smooth_method: unknown smoothing '" + name
        + "', expected one of none, floor, add-k, exp");
  }
}
