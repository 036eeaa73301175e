package dev.lathe.models.tokenizer;

/**
 * A special token (BOS, EOS, PAD, UNK ...) as text and id.
 *
 * @param content the token's text, e.g. {@code "<s>"}
 * @param id its id in the vocabulary
 */
public record SpecialToken(String content, int id) {}
