package dev.lathe.eval.metrics.classification;

/**
 * What a precision, recall or F takes when its denominator is zero, as sklearn's
 * {@code zero_division}. {@link #WARN} acts as 0 and records a warning (sklearn's
 * UndefinedMetricWarning text) in the result; {@link #NAN} needs sklearn 1.3 or later there.
 */
public enum ZeroDivision {
    WARN(0.0), ZERO(0.0), ONE(1.0), NAN(Double.NaN);

    private final double value;

    ZeroDivision(double value) {
        this.value = value;
    }

    /** The value an ill-defined figure takes. */
    public double value() {
        return value;
    }

    /** Parses "warn", "0", "1", "nan" (case-insensitive; "0.0" and "1.0" too). */
    public static ZeroDivision parse(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "warn" -> WARN;
            case "0", "0.0" -> ZERO;
            case "1", "1.0" -> ONE;
            case "nan" -> NAN;
            default -> throw new IllegalArgumentException(
                    "zeroDivision: got '" + s + "', expected one of warn, 0, 1, nan");
        };
    }
}
