package dev.lathe.models.generate;

/**
 * Receives each sampled token as it is produced (streaming). {@code textDelta} is the text that
 * became final with this token: it may be empty (an incomplete UTF-8 character, or text held back
 * because it could be the start of a stop sequence) and may carry text of earlier tokens. The deltas
 * of a request concatenate to its {@link Generation#text()}; the stop sequence itself is never
 * emitted. {@code logprobs} is null unless requested.
 */
@FunctionalInterface
public interface TokenListener {
    /** A listener that ignores every token. */
    TokenListener NONE = (tokenId, textDelta, logprobs) -> {};

    void onToken(int tokenId, String textDelta, TokenLogprobs logprobs);
}
