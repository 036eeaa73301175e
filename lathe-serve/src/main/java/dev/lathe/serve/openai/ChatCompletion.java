package dev.lathe.serve.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** A non-streamed chat completion ({@code object: "chat.completion"}). */
public record ChatCompletion(String id, String object, long created, String model, String systemFingerprint,
        List<Choice> choices, Usage usage) {
    public static ChatCompletion of(String id, long created, String model, String fingerprint, List<Choice> choices,
            Usage usage) {
        return new ChatCompletion(id, "chat.completion", created, model, fingerprint, List.copyOf(choices), usage);
    }

    /** One of the {@code n} answers. */
    public record Choice(int index, Message message, Logprobs logprobs, String finishReason) {}

    /**
     * The assistant's message; {@code refusal} is always null here (no refusal classifier);
     * {@code toolCalls} only when the model called tools.
     */
    public record Message(String role, String content, String refusal,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ToolCallObject> toolCalls) {
        public static Message assistant(String content) {
            return new Message("assistant", content, null, List.of());
        }
    }

    /** A call as OpenAI writes it: {@code {"id","type":"function","function":{"name","arguments"}}}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolCallObject(Integer index, String id, String type, FunctionCall function) {
        public static ToolCallObject of(String id, String name, String arguments) {
            return new ToolCallObject(null, id, "function", new FunctionCall(name, arguments));
        }

        /** The same call in a streamed delta, which also carries its position. */
        public ToolCallObject at(int position) {
            return new ToolCallObject(position, id, type, function);
        }
    }

    /** The function called and its arguments as a JSON string. */
    public record FunctionCall(String name, String arguments) {}

    /** Chat logprobs: one entry per generated token. */
    public record Logprobs(List<TokenLogprob> content, Object refusal) {
        public static Logprobs of(List<TokenLogprob> content) {
            return new Logprobs(List.copyOf(content), null);
        }
    }

    /** A token, its logprob, its UTF-8 bytes and the most likely alternatives. */
    public record TokenLogprob(String token, float logprob, int[] bytes, List<TopLogprob> topLogprobs) {}

    /** One alternative at a position. */
    public record TopLogprob(String token, float logprob, int[] bytes) {}

    /** A streamed piece ({@code object: "chat.completion.chunk"}); usage only on the final usage chunk. */
    public record Chunk(String id, String object, long created, String model, String systemFingerprint,
            List<ChunkChoice> choices, @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
        public static Chunk of(String id, long created, String model, String fingerprint, List<ChunkChoice> choices,
                Usage usage) {
            return new Chunk(id, "chat.completion.chunk", created, model, fingerprint, List.copyOf(choices), usage);
        }
    }

    /** One choice's delta in a chunk; {@code finishReason} is null until its last chunk. */
    public record ChunkChoice(int index, Delta delta, Logprobs logprobs, String finishReason) {}

    /** What a chunk adds: the role on the first one, then content (and tool calls, whole, at the end). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(String role, String content, List<ToolCallObject> toolCalls) {
        public Delta(String role, String content) {
            this(role, content, null);
        }
    }
}
