package dev.lathe.serve.openai;

import java.util.List;
import java.util.Map;

/**
 * The sampling parameters completions and chat share, as the client sent them (null = not given, so the
 * model's own defaults apply).
 *
 * @param maxTokens {@code max_tokens}, or chat's {@code max_completion_tokens}
 * @param logprobs whether to report the sampled tokens' logprobs
 * @param topLogprobs how many alternatives per token (0 to 20)
 */
public record SamplingFields(Integer maxTokens, Float temperature, Float topP, Long seed, Float presencePenalty,
        Float frequencyPenalty, Map<Integer, Float> logitBias, List<String> stop, boolean logprobs, int topLogprobs) {
    public SamplingFields {
        logitBias = Map.copyOf(logitBias);
        stop = List.copyOf(stop);
    }

    /** Reads the shared fields; {@code maxTokensParam} names the field max tokens came from. */
    static SamplingFields read(JsonFields f, Integer maxTokens, boolean logprobs, int topLogprobs) {
        return new SamplingFields(maxTokens, f.number("temperature", 0, 2), topP(f), f.longValue("seed"),
                f.number("presence_penalty", -2, 2), f.number("frequency_penalty", -2, 2), f.logitBias("logit_bias"),
                f.stringOrArray("stop", 4), logprobs, topLogprobs);
    }

    private static Float topP(JsonFields f) {
        Float p = f.number("top_p", 0, 1);
        if (p != null && p == 0) {
            throw OpenAiException.badParam("top_p", "0 is not valid for 'top_p': it must be greater than 0 and at most 1.");
        }
        return p;
    }
}
