package dev.lathe.models.tokenizer;

import java.util.Arrays;

/**
 * Turns generated token ids, fed one at a time, into text as soon as it is final: the concatenation
 * of everything {@link #push} and {@link #flush} return equals {@link Tokenizer#decode} of all the
 * ids (same {@code skipSpecialTokens}).
 *
 * <p>How: each step decodes a short window that starts at the tokens emitted last time (the
 * "prefix") and emits what the new tokens add to it. Keeping a token of context in the window makes
 * the decoder treat the new tokens as it would in the whole sequence: SentencePiece's "▁" becomes a
 * space (only the very first token of the sequence loses it, as in a full decode), and WordPiece's
 * "##ing" joins the previous word. Text is held back while it
 * <ul>
 *   <li>ends in U+FFFD (a UTF-8 character whose remaining bytes have not arrived, e.g. after the
 *       first of the three byte-level pieces of "€"),</li>
 *   <li>ends in a byte-fallback token {@code <0xNN>}: HF's ByteFallback decoder turns a whole run of
 *       such tokens into U+FFFDs when any of it is invalid UTF-8, so the run is final only once a
 *       non-byte token (or {@link #flush}) ends it; skipped special tokens do not end a run, as
 *       the decoder never sees them, and</li>
 *   <li>could still be rewritten by the {@code clean_up_tokenization_spaces} rules (" ." to ".").</li>
 * </ul>
 * Not thread-safe: one decoder per generated sequence.
 */
public final class StreamingDecoder {
    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private final boolean cleanUp;
    private final StringBuilder held = new StringBuilder(); // text awaiting the clean-up rules
    private int[] ids = new int[64];
    private int count;
    private int prefixStart; // window start: the tokens emitted by the last emission
    private int readStart; // first token not yet emitted

    StreamingDecoder(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
        this.cleanUp = tokenizer.config().cleanUpTokenizationSpaces();
    }

    /** Adds one token; returns the text it completes (often "", never half a character). */
    public String push(int id) {
        tokenizer.isSpecial(id); // validates the id before it enters the window
        if (count == ids.length) ids = Arrays.copyOf(ids, count * 2);
        ids[count++] = id;
        if (inByteRun()) return "";
        String prefix = prefixText();
        String window = tokenizer.decodeRaw(ids, prefixStart, count, skipSpecialTokens);
        if (window.length() <= prefix.length() || !window.startsWith(prefix) || window.endsWith("\uFFFD")) {
            return "";
        }
        prefixStart = readStart;
        readStart = count;
        return clean(window.substring(prefix.length()), false);
    }

    /** Returns everything still held back (call at the end of the sequence). */
    public String flush() {
        String prefix = prefixText();
        String window = tokenizer.decodeRaw(ids, prefixStart, count, skipSpecialTokens);
        String rest = window.startsWith(prefix) ? window.substring(prefix.length()) : "";
        prefixStart = readStart = count;
        return clean(rest, true);
    }

    /** Whether the last token that reaches the decoder (skipped special tokens do not) is a byte token. */
    private boolean inByteRun() {
        for (int i = count - 1; i >= readStart; i--) {
            if (skipSpecialTokens && tokenizer.isSpecial(ids[i])) continue;
            return tokenizer.isByteFallback(ids[i]);
        }
        return false;
    }

    /** Number of tokens pushed so far. */
    public int tokenCount() {
        return count;
    }

    private String prefixText() {
        return prefixStart < readStart ? tokenizer.decodeRaw(ids, prefixStart, readStart, skipSpecialTokens) : "";
    }

    private String clean(String piece, boolean all) {
        if (!cleanUp) return piece;
        held.append(piece);
        int cut = all ? held.length() : CleanUp.safeCut(held);
        String ready = held.substring(0, cut);
        held.delete(0, cut);
        return CleanUp.apply(ready);
    }
}
