package dev.lathe.models.generate;

import java.util.List;

/**
 * The result of one request.
 *
 * @param tokenIds generated ids, including a final stop/EOS token (whose text is not in {@code text})
 * @param text the generated text without any stop sequence; the concatenation of the streamed deltas
 *     (empty when no decoder was given)
 * @param logprobs one entry per generated token when requested, else empty
 * @param prefillMillis wall time of the prompt forward pass
 * @param decodeMillis wall time from the end of the prefill to the finish
 * @param decodeSteps model decode steps this sequence took (the first token comes from the prefill)
 */
public record Generation(int[] tokenIds, String text, FinishReason finishReason, List<TokenLogprobs> logprobs,
        int promptTokens, int completionTokens, double prefillMillis, double decodeMillis, int decodeSteps) {

    public Generation {
        logprobs = List.copyOf(logprobs);
    }

    /** Decode throughput of this sequence in tokens per second (0 when it never decoded). */
    public double decodeTokensPerSecond() {
        return decodeMillis > 0 ? decodeSteps * 1000.0 / decodeMillis : 0;
    }
}
