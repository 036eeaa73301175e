package dev.lathe.serve.scheduler;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.generate.CancellationToken;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.SequenceState;
import dev.lathe.models.generate.TokenDecoder;
import dev.lathe.models.generate.TokenListener;
import dev.lathe.models.generate.TokenLogprobs;
import java.util.concurrent.CompletableFuture;

/**
 * One submitted request as the scheduler tracks it. Its {@link SequenceState} runs with the scheduler's
 * own cancellation token and with this object as listener, so that the scheduler can stop a sequence
 * (timeout, failed listener) without touching the caller's token, time every token for the metrics, and
 * catch a listener's exception before it could escape a batch step and disturb the other sequences.
 * Touched by the scheduler thread only, after construction.
 */
final class ScheduledRequest implements TokenListener {
    final GenerationRequest request;
    final SequenceState sequence;
    /** Set by the scheduler when the caller cancelled, the deadline passed, or the listener failed. */
    final CancellationToken stop = new CancellationToken();
    final CompletableFuture<Generation> future = new CompletableFuture<>();
    final long submittedNanos;
    final long deadlineNanos;
    private final SchedulerMetrics metrics;
    private long lastTokenNanos; // 0 before the first token
    Throwable listenerFailure;
    boolean timedOut;

    /** Validates the request (throws as {@link SequenceState}'s constructor does) before anything is queued. */
    ScheduledRequest(CausalLanguageModel model, TokenDecoder decoder, GenerationRequest request,
            SchedulerMetrics metrics, long submittedNanos, long timeoutNanos) {
        this.request = request;
        this.metrics = metrics;
        this.submittedNanos = submittedNanos;
        this.deadlineNanos = submittedNanos + timeoutNanos;
        this.sequence = new SequenceState(model,
                new GenerationRequest(request.promptIds(), request.params(), this, stop, request.constraint()), decoder);
    }

    int promptTokens() {
        return request.promptIds().length;
    }

    /** Whether the caller asked to stop or the deadline has passed; marks the stop either way. */
    boolean shouldStop(long nowNanos) {
        if (stop.isCancelled()) {
            return true;
        }
        if (nowNanos - deadlineNanos >= 0) {
            timedOut = true;
            stop.cancel();
        } else if (request.cancellation().isCancelled()) {
            stop.cancel();
        }
        return stop.isCancelled();
    }

    @Override
    public void onToken(int tokenId, String textDelta, TokenLogprobs logprobs) {
        long now = System.nanoTime();
        if (lastTokenNanos == 0) {
            metrics.recordTimeToFirstToken(now - submittedNanos);
        } else {
            metrics.recordInterToken(now - lastTokenNanos);
        }
        lastTokenNanos = now;
        metrics.completionTokens.increment();
        if (listenerFailure != null) {
            return; // already failing: the caller's listener sees no more tokens
        }
        try {
            request.listener().onToken(tokenId, textDelta, logprobs);
        } catch (Throwable t) { // a listener's failure is its request's failure, never the batch's
            listenerFailure = t;
            stop.cancel();
        }
    }
}
