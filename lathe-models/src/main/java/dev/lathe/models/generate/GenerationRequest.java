package dev.lathe.models.generate;

import java.util.Objects;

/**
 * One request for {@link Generator#generateBatch}: a prompt, its parameters, listener and cancellation,
 * and an optional {@link TokenConstraint} (null for none) that decides which tokens may come next.
 */
public record GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener,
        CancellationToken cancellation, TokenConstraint constraint) {

    public GenerationRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        Objects.requireNonNull(params, "params");
        listener = listener == null ? TokenListener.NONE : listener;
        cancellation = cancellation == null ? new CancellationToken() : cancellation;
    }

    public GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener,
            CancellationToken cancellation) {
        this(promptIds, params, listener, cancellation, null);
    }

    public GenerationRequest(int[] promptIds, SamplingParams params) {
        this(promptIds, params, null, null, null);
    }
}
