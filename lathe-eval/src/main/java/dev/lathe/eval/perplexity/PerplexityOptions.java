package dev.lathe.eval.perplexity;

import java.util.Objects;

/**
 * How to slide the window: at most {@code window} tokens per forward pass, advancing by {@code stride}
 * tokens, so consecutive windows overlap by {@code window - stride} tokens of context. A stride equal
 * to the window cuts the text into disjoint chunks (each chunk's first token goes unscored, as in Hugging
 * Face's guide); a smaller stride gives each scored token more context, at more forward passes.
 *
 * @param window tokens per forward pass, at least 2 and at most the model's context; 0 means the
 *     model's context length
 * @param stride tokens the window advances by, 1..window; 0 means the window (no overlap)
 * @param bos whether texts start with BOS (ignored for token-id input, which is used as given: use
 *     {@link Bos#AUTO} or {@link Bos#NONE} there)
 */
public record PerplexityOptions(int window, int stride, Bos bos) {
    /** A {@code window} or {@code stride} of 0: the default described above. */
    public static final int DEFAULT = 0;

    public PerplexityOptions {
        Objects.requireNonNull(bos, "bos");
        if (window < 0 || window == 1) {
            throw new IllegalArgumentException("window must be >= 2 tokens (or 0 for the model's context), got " + window);
        }
        if (stride < 0) {
            throw new IllegalArgumentException("stride must be >= 1 token (or 0 for the window), got " + stride);
        }
        if (window > 0 && stride > window) {
            throw new IllegalArgumentException("stride " + stride + " is larger than window " + window
                    + ": the tokens between windows would never be scored");
        }
    }

    /** The model's context as the window, no overlap, BOS as the tokenizer adds it. */
    public static PerplexityOptions defaults() {
        return new PerplexityOptions(DEFAULT, DEFAULT, Bos.AUTO);
    }

    public PerplexityOptions withWindow(int window) {
        return new PerplexityOptions(window, stride, bos);
    }

    public PerplexityOptions withStride(int stride) {
        return new PerplexityOptions(window, stride, bos);
    }

    public PerplexityOptions withBos(Bos bos) {
        return new PerplexityOptions(window, stride, bos);
    }

    /** The window and stride for a model of {@code contextLength} positions, checked against it. */
    PerplexitySettings resolve(int contextLength, boolean bosPrepended) {
        int w = window == DEFAULT ? contextLength : window;
        if (w > contextLength) {
            throw new IllegalArgumentException("window " + w + " exceeds the model's context of " + contextLength
                    + " tokens");
        }
        if (w < 2) {
            throw new IllegalArgumentException("the model's context of " + contextLength
                    + " tokens is too short to score anything (a window needs >= 2 tokens)");
        }
        int s = stride == DEFAULT ? w : stride;
        if (s > w) {
            throw new IllegalArgumentException("stride " + s + " is larger than window " + w
                    + ": the tokens between windows would never be scored");
        }
        return new PerplexitySettings(w, s, bosPrepended);
    }
}
