package dev.lathe.models.generate;

/**
 * Streams the text of generated tokens with vLLM's two-offset scheme: decode a short window that
 * starts a few tokens back (so SentencePiece-style leading spaces and multi-token characters come out
 * as in a full decode) and emit what the newest tokens added. Text ending in U+FFFD, an incomplete
 * UTF-8 sequence, is held until a later token completes it (or {@link #flush} gives up on it).
 */
final class IncrementalDetokenizer {
    /** Prompt tokens the first window reaches back over. */
    private static final int CONTEXT = 5;

    private final TokenDecoder decoder;
    private final int[] ids; // prompt then generated ids
    private int count;
    private int prefixOffset; // window start
    private int readOffset; // ids before this have been emitted

    IncrementalDetokenizer(TokenDecoder decoder, int[] prompt, int maxTokens) {
        this.decoder = decoder;
        this.ids = new int[prompt.length + maxTokens];
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        this.count = prompt.length;
        this.prefixOffset = Math.max(0, count - CONTEXT);
        this.readOffset = count;
    }

    /** Adds a token and returns the text that became final (possibly empty). */
    String push(int token) {
        ids[count++] = token;
        return next(false);
    }

    /** Emits whatever is still held, incomplete characters included. */
    String flush() {
        return next(true);
    }

    private String next(boolean force) {
        if (readOffset == count) {
            return "";
        }
        String prefix = decoder.decode(ids, prefixOffset, readOffset);
        String full = decoder.decode(ids, prefixOffset, count);
        if (full.length() > prefix.length() && (force || !full.endsWith("\uFFFD"))) {
            prefixOffset = readOffset;
            readOffset = count;
            return full.substring(prefix.length());
        }
        if (force) {
            readOffset = count;
        }
        return "";
    }
}
