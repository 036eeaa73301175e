package dev.lathe.models.generate;

/**
 * Turns token ids into text, supplied by the caller so generation does not depend on a tokenizer
 * implementation. Decoding a span together (rather than token by token) lets byte-level and
 * SentencePiece tokenizers join multi-byte characters and handle leading spaces; the generator
 * decodes short overlapping spans and emits only the new text (vLLM's incremental detokenization),
 * holding back text that ends in U+FFFD (an incomplete UTF-8 sequence) until more tokens arrive.
 */
@FunctionalInterface
public interface TokenDecoder {
    /** The text of {@code tokens[from..to)} decoded together. */
    String decode(int[] tokens, int from, int to);
}
