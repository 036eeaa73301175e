package dev.lathe.tune.train;

import java.util.Arrays;

/**
 * One tokenized training example for causal-LM fine-tuning, as Hugging Face's {@code input_ids} and
 * {@code labels}: {@code labels[t]} is the token at position t, or -100 where no loss is taken (the
 * prompt). The model shifts internally: the logits at position t are scored against {@code labels[t + 1]}.
 */
public record TokenizedExample(int[] inputIds, int[] labels) {
    /** The label that takes no loss (PyTorch's {@code ignore_index}). */
    public static final int IGNORE = -100;

    public TokenizedExample {
        if (inputIds == null || inputIds.length == 0) {
            throw new IllegalArgumentException("inputIds must hold at least one token");
        }
        if (labels == null || labels.length != inputIds.length) {
            throw new IllegalArgumentException("labels must have one entry per input id (" + inputIds.length
                    + "), got " + (labels == null ? "null" : labels.length));
        }
        inputIds = inputIds.clone();
        labels = labels.clone();
    }

    /** An example that takes the loss on every token (plain language modelling). */
    public static TokenizedExample ofText(int... ids) {
        return new TokenizedExample(ids, ids);
    }

    /** An example whose first {@code promptLength} tokens take no loss. */
    public static TokenizedExample ofPrompt(int[] ids, int promptLength) {
        int[] labels = ids.clone();
        Arrays.fill(labels, 0, Math.min(promptLength, ids.length), IGNORE);
        return new TokenizedExample(ids, labels);
    }

    public int length() {
        return inputIds.length;
    }

    @Override
    public int[] inputIds() {
        return inputIds.clone();
    }

    @Override
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenizedExample e && Arrays.equals(inputIds, e.inputIds) && Arrays.equals(labels, e.labels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(inputIds) + Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "TokenizedExample[" + inputIds.length + " tokens]";
    }
}
