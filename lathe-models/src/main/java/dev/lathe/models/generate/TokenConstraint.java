package dev.lathe.models.generate;

/**
 * A per-request rule over which tokens may come next, applied before sampling: structured output
 * (a JSON schema compiled to an automaton), a forced tool-call format, a regular grammar. The
 * sequence asks it to mask the logits before each draw and tells it every token drawn, so the
 * constraint keeps its own advancing state; one instance serves one sequence.
 *
 * <p>End-of-sequence is the sequence's business, not the constraint's: end-of-sequence and stop
 * token ids are allowed only while {@link #isComplete()} holds, and a constraint that is complete
 * and cannot grow ({@link #canContinue()} false) ends the sequence right after its last token with
 * {@link FinishReason#STOP}, without spending a decode step on sampling the end token. A constraint
 * that allows nothing at all (e.g. a vocabulary lacking a byte the grammar needs) also ends it with
 * {@link FinishReason#STOP}.
 */
public interface TokenConstraint {
    /**
     * Sets the logits (V) of every token that may not come next to {@link Float#NEGATIVE_INFINITY},
     * leaving the others untouched. End-of-sequence ids may be masked too: the sequence decides them.
     */
    void maskLogits(float[] logits);

    /** Advances over the token that was drawn (always one {@link #maskLogits} left allowed). */
    void advance(int tokenId);

    /** True when the output so far is a complete, valid text, so the sequence may end here. */
    boolean isComplete();

    /** True when some token may still extend the output. */
    boolean canContinue();
}
