package dev.lathe.serve.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /v1/chat/completions} as parsed from its JSON body: the conversation as the model's chat
 * template sees it, and the sampling fields.
 *
 * @param messages system/user/assistant/tool turns; text parts of array contents are joined; OpenAI's
 *     {@code developer} role is given to templates as {@code system}, which is what they know
 * @param responseFormat {@code response_format} as sent (read by dev.lathe.serve.structured), or null
 * @param tools {@code tools} as sent (read by dev.lathe.serve.tools), or null
 * @param toolChoice {@code tool_choice} as sent, or null
 */
public record ChatCompletionRequest(String model, List<ChatMessage> messages, int n, SamplingFields sampling,
        boolean stream, boolean includeUsage, String user, JsonNode responseFormat, JsonNode tools,
        JsonNode toolChoice) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What this server does not do yet, answered 400 naming the parameter rather than ignored. */
    private static final Map<String, String> UNSUPPORTED = unsupported();

    public ChatCompletionRequest {
        messages = List.copyOf(messages);
    }

    /** Parses and validates a request body; every problem is a 400 naming its param. */
    public static ChatCompletionRequest parse(JsonNode body) {
        JsonFields f = new JsonFields(body, "");
        String model = f.requiredString("model");
        List<ChatMessage> messages = messages(f.raw("messages"));
        Integer n = f.integerAtLeast("n", 1);
        Integer maxCompletion = f.integerAtLeast("max_completion_tokens", 1);
        Integer maxTokens = f.integerAtLeast("max_tokens", 1);
        Boolean logprobs = f.bool("logprobs");
        Integer top = f.integer("top_logprobs");
        if (top != null && (top < 0 || top > 20)) {
            throw OpenAiException.badParam("top_logprobs", top + " is not valid for 'top_logprobs': it must be between 0"
                    + " and 20.");
        }
        if (top != null && !Boolean.TRUE.equals(logprobs)) {
            throw OpenAiException.badParam("top_logprobs", "'top_logprobs' requires 'logprobs' to be true.");
        }
        SamplingFields sampling = SamplingFields.read(f, maxCompletion != null ? maxCompletion : maxTokens,
                Boolean.TRUE.equals(logprobs), top == null ? 0 : top);
        boolean stream = Boolean.TRUE.equals(f.bool("stream"));
        boolean includeUsage = StreamOptions.includeUsage(f, stream);
        String user = f.string("user");
        JsonNode format = f.raw("response_format");
        JsonNode tools = f.raw("tools");
        JsonNode toolChoice = f.raw("tool_choice");
        Boolean store = f.bool("store");
        if (Boolean.TRUE.equals(store)) {
            throw OpenAiException.unsupported("store", "this server does not store completions");
        }
        f.rejectUnsupported(UNSUPPORTED);
        // metadata only tags stored completions, and nothing is stored; parallel_tool_calls: one call per reply at most
        // is forced, more are parsed when the model writes them.
        f.accept("metadata", "parallel_tool_calls");
        f.rejectUnread();
        return new ChatCompletionRequest(model, messages, n == null ? 1 : n, sampling, stream, includeUsage, user,
                format, tools, toolChoice);
    }

    private static Map<String, String> unsupported() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("functions", "the deprecated 'functions' API; use 'tools'");
        m.put("function_call", "the deprecated 'function_call'; use 'tool_choice'");
        m.put("audio", "the served models are text-only");
        m.put("modalities", "the served models are text-only");
        m.put("prediction", "predicted outputs are not implemented");
        m.put("web_search_options", "there is no web search");
        m.put("reasoning_effort", "the served models have no reasoning-effort control");
        return m;
    }

    private static List<ChatMessage> messages(JsonNode array) {
        if (array == null) {
            throw OpenAiException.badParam("messages", "Missing required parameter: 'messages'.");
        }
        if (!array.isArray() || array.isEmpty()) {
            throw OpenAiException.badParam("messages", "'messages' must be a non-empty array, got " + array);
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            out.add(message(array.get(i), "messages[" + i + "]"));
        }
        return out;
    }

    private static ChatMessage message(JsonNode node, String where) {
        JsonFields m = new JsonFields(node, where);
        String role = m.requiredString("role");
        Map<String, Object> extra = new LinkedHashMap<>();
        String name = m.string("name");
        if (name != null) extra.put("name", name);
        switch (role) {
            case "system", "developer", "user" -> {}
            case "assistant" -> {
                JsonNode calls = m.raw("tool_calls");
                if (calls != null) {
                    if (!calls.isArray()) throw OpenAiException.badParam(m.param("tool_calls"), "'" + m.param("tool_calls")
                            + "' must be an array");
                    extra.put("tool_calls", MAPPER.convertValue(calls, List.class));
                }
                m.accept("refusal", "audio", "function_call");
            }
            case "tool" -> extra.put("tool_call_id", m.requiredString("tool_call_id"));
            default -> throw OpenAiException.badParam(m.param("role"), "'" + role + "' is not one of ['system',"
                    + " 'developer', 'user', 'assistant', 'tool'] - '" + m.param("role") + "'");
        }
        String content = content(m, role, extra.containsKey("tool_calls"));
        m.rejectUnread();
        return new ChatMessage("developer".equals(role) ? "system" : role, content, extra);
    }

    private static String content(JsonFields m, String role, boolean hasToolCalls) {
        JsonNode c = m.raw("content");
        String param = m.param("content");
        if (c == null) {
            if ("assistant".equals(role) && hasToolCalls) return null;
            throw OpenAiException.badParam(param, "Missing required parameter: '" + param + "'.");
        }
        if (c.isTextual()) return c.textValue();
        if (!c.isArray()) throw OpenAiException.badParam(param, "'" + param + "' must be a string or an array of parts");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            JsonFields part = new JsonFields(c.get(i), param + "[" + i + "]");
            String type = part.requiredString("type");
            if (!"text".equals(type)) {
                throw OpenAiException.unsupported(part.param("type"), "content parts of type '" + type
                        + "' (the served models are text-only)");
            }
            text.append(part.requiredString("text"));
            part.rejectUnread();
        }
        return text.toString();
    }
}
