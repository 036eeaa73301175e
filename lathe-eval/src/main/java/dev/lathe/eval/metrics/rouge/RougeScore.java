package dev.lathe.eval.metrics.rouge;

/**
 * Precision, recall and F1 of one ROUGE measure for one prediction against one target, as
 * rouge-score's {@code Score} tuple. Values lie in [0, 1]; F is 0 when precision + recall is 0.
 */
public record RougeScore(double precision, double recall, double fmeasure) {

    /** All zeros: what rouge-score returns when either side has no tokens. */
    public static final RougeScore ZERO = new RougeScore(0, 0, 0);

    public RougeScore {
        check("precision", precision);
        check("recall", recall);
        check("fmeasure", fmeasure);
    }

    /** The score with F = 2PR / (P + R) (0 when P + R is 0), as rouge-score's scoring.fmeasure. */
    public static RougeScore of(double precision, double recall) {
        return new RougeScore(precision, recall, fmeasure(precision, recall));
    }

    /** rouge-score's scoring.fmeasure. */
    public static double fmeasure(double precision, double recall) {
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    }

    private static void check(String name, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
        }
    }
}
