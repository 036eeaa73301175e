package dev.lathe.models.generate;

/** Why a sequence stopped growing (OpenAI's finish_reason, with EOS and cancellation kept apart). */
public enum FinishReason {
    /** A stop sequence matched in the text, or a stop token id was sampled. */
    STOP,
    /** The sequence reached its max tokens. */
    LENGTH,
    /** An end-of-sequence token id was sampled (and {@code ignoreEos} was off). */
    EOS,
    /** The caller cancelled the request. */
    CANCELLED
}
