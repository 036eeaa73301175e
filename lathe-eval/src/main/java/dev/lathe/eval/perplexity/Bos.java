package dev.lathe.eval.perplexity;

/**
 * Whether a text's token ids start with the model's beginning-of-sequence token. The first id of a
 * sequence is never predicted (nothing precedes it), so with BOS every token of the text is scored,
 * and without it the text's first token is context only.
 */
public enum Bos {
    /** As the tokenizer does by default when it adds special tokens ({@code add_bos_token}, post-processor). */
    AUTO,
    /** Always prepend the BOS id (the model must define one). */
    ADD,
    /** Never prepend it: the ids are the text's tokens alone. */
    NONE
}
