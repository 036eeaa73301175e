package dev.lathe.eval.metrics.classification;

/**
 * How per-class precision / recall / F are combined, as sklearn's {@code average} argument.
 * {@link #NONE} keeps the per-class figures ({@code average=None}).
 */
public enum Average {
    /** Global counts: sum true positives, predictions and supports over the labels, then divide. */
    MICRO,
    /** Unweighted mean of the per-class figures. */
    MACRO,
    /** Mean of the per-class figures weighted by support (true count). */
    WEIGHTED,
    /** Only the positive label ({@code posLabel}); needs at most two distinct labels in the data. */
    BINARY,
    /** No averaging: per-class figures only. */
    NONE;

    /** Parses sklearn's spelling ("micro", "macro", "weighted", "binary", "none"/"None"). */
    public static Average parse(String s) {
        for (Average a : values()) if (a.name().equalsIgnoreCase(s)) return a;
        throw new IllegalArgumentException("average: got '" + s
                + "', expected one of micro, macro, weighted, binary, none");
    }
}
