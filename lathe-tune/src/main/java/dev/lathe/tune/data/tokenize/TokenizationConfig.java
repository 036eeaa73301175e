package dev.lathe.tune.data.tokenize;

/**
 * How records become training sequences.
 *
 * @param maxLength  the longest sequence in tokens (the model's context length at most)
 * @param truncation what happens to a longer one
 * @param lossOn     which tokens take the loss
 * @param packing    plain-text records only: concatenate them (each BOS ... EOS) and cut the stream into
 *                   chunks of exactly {@code maxLength} tokens (the last one shorter, and left out when it
 *                   is a single token, which predicts nothing), so no batch slot is padding; chat and instruction records are never packed (a chunk would split a reply
 *                   from its prompt)
 */
public record TokenizationConfig(int maxLength, Truncation truncation, LossOn lossOn, boolean packing) {
    /** What to do with a sequence longer than {@code maxLength}. */
    public enum Truncation {
        /** Leave the record out (counted in the report). */
        DROP,
        /**
         * Cut prompt tokens from the left (after a leading BOS), keeping the whole completion, the part
         * that is learned; a record whose completion alone does not fit is left out. Records without a
         * prompt (plain text) keep their beginning instead.
         */
        TRUNCATE_PROMPT,
        /**
         * Cut tokens from the end (Hugging Face's default right-side truncation): the prompt stays whole
         * and the completion loses its end (and its EOS). For long replies that would otherwise be left
         * out; a record whose prompt alone fills {@code maxLength} is left out.
         */
        TRUNCATE_END
    }

    /** Which tokens are scored. */
    public enum LossOn {
        /** Only the completion / assistant tokens (and the EOS after them): the prompt is context. */
        COMPLETION,
        /** Every token, prompt included (plain language modelling over the rendered text). */
        ALL
    }

    public TokenizationConfig {
        if (maxLength < 2) {
            throw new IllegalArgumentException("max_length must be >= 2 tokens, got " + maxLength);
        }
        if (truncation == null || lossOn == null) {
            throw new IllegalArgumentException("truncation and lossOn must be set");
        }
    }

    /** 512 tokens, truncate the prompt, loss on the completion, no packing. */
    public static TokenizationConfig defaults() {
        return new TokenizationConfig(512, Truncation.TRUNCATE_PROMPT, LossOn.COMPLETION, false);
    }
}
