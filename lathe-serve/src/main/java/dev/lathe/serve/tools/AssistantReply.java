package dev.lathe.serve.tools;

import java.util.List;

/**
 * A model's reply split into OpenAI's message fields: {@code content} (the text outside any call,
 * null when there is none) and {@code tool_calls} (empty when the model answered in text). With
 * calls, OpenAI's {@code finish_reason} is {@code tool_calls}.
 */
public record AssistantReply(String content, List<ToolCall> toolCalls) {
    public AssistantReply {
        toolCalls = List.copyOf(toolCalls);
    }

    /** A plain text answer. */
    public static AssistantReply text(String content) {
        return new AssistantReply(content, List.of());
    }

    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
