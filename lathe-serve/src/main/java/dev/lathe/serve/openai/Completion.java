package dev.lathe.serve.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A legacy text completion ({@code object: "text_completion"}); streamed chunks have the same shape,
 * with {@code usage} only on the final usage chunk.
 */
public record Completion(String id, String object, long created, String model, String systemFingerprint,
        List<Choice> choices, @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    public static Completion of(String id, long created, String model, String fingerprint, List<Choice> choices,
            Usage usage) {
        return new Completion(id, "text_completion", created, model, fingerprint, List.copyOf(choices), usage);
    }

    /** One completion; {@code finishReason} null on streamed chunks before the last. */
    public record Choice(String text, int index, Logprobs logprobs, String finishReason) {}

    /** The legacy logprobs object: parallel lists over the returned tokens. */
    public record Logprobs(List<Integer> textOffset, List<Float> tokenLogprobs, List<String> tokens,
            List<Map<String, Float>> topLogprobs) {}
}
