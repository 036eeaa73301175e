package dev.lathe.serve.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What chat templates need to show tools and tool use to the model: the request's tools as plain
 * maps for {@code ChatTemplate.render(messages, addGenerationPrompt, tools, variables)}, an assistant
 * turn's earlier tool calls, and tool results. Templates render a call's arguments with
 * {@code | tojson}, so they receive the arguments as an object, not OpenAI's JSON string (as Hugging
 * Face and vLLM pass them); Mistral templates insist on 9-character alphanumeric call ids, so those
 * are derived from OpenAI's ids, the same way for the call and for its result.
 */
public final class ToolPrompt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolPrompt() {}

    /**
     * The tools to pass to the template, or null when the choice is {@code none} or there are none
     * (OpenAI's {@code none} means the model should not see them at all).
     */
    public static List<Map<String, Object>> templateTools(List<ToolDefinition> tools, ToolChoice choice) {
        if (tools.isEmpty() || choice instanceof ToolChoice.None) {
            return null;
        }
        List<Map<String, Object>> out = new ArrayList<>(tools.size());
        for (ToolDefinition t : tools) {
            out.add(t.templateValue());
        }
        return out;
    }

    /**
     * An earlier assistant turn that called tools (OpenAI's message with {@code tool_calls}), for the
     * template of {@code format}.
     *
     * @throws ToolParameterException when a call's arguments are not a JSON object
     */
    public static ChatMessage assistantToolCalls(String content, List<ToolCall> calls, ToolCallFormat format) {
        List<Map<String, Object>> rendered = new ArrayList<>(calls.size());
        for (int i = 0; i < calls.size(); i++) {
            ToolCall c = calls.get(i);
            Map<String, Object> function = new LinkedHashMap<>();
            function.put("name", c.name());
            function.put("arguments", arguments(c.arguments(), i));
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("id", callId(c.id(), format));
            call.put("type", "function");
            call.put("function", function);
            rendered.add(call);
        }
        return new ChatMessage("assistant", content, Map.of("tool_calls", rendered));
    }

    /** A tool's result (OpenAI's {@code role: tool} message) answering call {@code toolCallId}. */
    public static ChatMessage toolResult(String toolCallId, String content, ToolCallFormat format) {
        return new ChatMessage("tool", content, Map.of("tool_call_id", callId(toolCallId, format)));
    }

    /** The call id the template of {@code format} accepts: OpenAI's own, or for Mistral 9 letters and digits. */
    public static String callId(String openAiId, ToolCallFormat format) {
        if (format != ToolCallFormat.MISTRAL) {
            return openAiId;
        }
        String alnum = openAiId.replaceAll("[^A-Za-z0-9]", "");
        if (alnum.length() >= 9) {
            return alnum.substring(alnum.length() - 9);
        }
        // Too short: pad with characters derived from the id, so the call and its result still agree.
        StringBuilder s = new StringBuilder(alnum);
        long h = openAiId.hashCode() & 0xFFFFFFFFL;
        while (s.length() < 9) {
            s.append(Character.forDigit((int) (h % 36), 36));
            h = h / 36 + 7;
        }
        return s.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(String json, int index) {
        try {
            Object value = JSON.readValue(json, Object.class);
            if (value instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (JsonProcessingException e) {
            // reported below
        }
        throw new ToolParameterException("messages.tool_calls[" + index + "].function.arguments",
                "must be a JSON object encoded as a string, got " + json);
    }
}
