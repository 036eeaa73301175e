package dev.lathe.tune.classify;

import java.util.Arrays;

/**
 * One tokenized text with its label id (an index into a {@link LabelMap}), for sequence classification;
 * the counterpart of {@link dev.lathe.tune.train.TokenizedExample} for causal LM.
 */
public record ClassificationExample(int[] inputIds, int label) {

    public ClassificationExample {
        if (inputIds == null || inputIds.length == 0) {
            throw new IllegalArgumentException("inputIds must hold at least one token");
        }
        if (label < 0) {
            throw new IllegalArgumentException("label id must be >= 0, got " + label);
        }
        inputIds = inputIds.clone();
    }

    public int length() {
        return inputIds.length;
    }

    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    /** The ids without a copy, for collation inside this package. */
    int[] ids() {
        return inputIds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassificationExample e && label == e.label && Arrays.equals(inputIds, e.inputIds);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + label;
    }

    @Override
    public String toString() {
        return "ClassificationExample[" + inputIds.length + " tokens, label " + label + "]";
    }
}
