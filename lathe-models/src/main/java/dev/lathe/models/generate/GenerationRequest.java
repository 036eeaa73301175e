package dev.lathe.models.generate;

import java.util.Objects;

/** One request for {@link Generator#generateBatch}: a prompt, its parameters, listener and cancellation. */
public record GenerationRequest(int[] promptIds, SamplingParams params, TokenListener listener,
        CancellationToken cancellation) {

    public GenerationRequest {
        Objects.requireNonNull(promptIds, "promptIds");
        Objects.requireNonNull(params, "params");
        listener = listener == null ? TokenListener.NONE : listener;
        cancellation = cancellation == null ? new CancellationToken() : cancellation;
    }

    public GenerationRequest(int[] promptIds, SamplingParams params) {
        this(promptIds, params, null, null);
    }
}
