package dev.lathe.models.generate;

/**
 * A flag another thread (or a {@link TokenListener}) sets to stop a generation. The loop checks it
 * before the prefill and before every decode step; a cancelled request finishes with
 * {@link FinishReason#CANCELLED} and keeps the tokens produced so far.
 */
public final class CancellationToken {
    private volatile boolean cancelled;

    /** Asks the generation to stop at its next step. */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
