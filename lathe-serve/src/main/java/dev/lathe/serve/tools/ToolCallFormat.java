package dev.lathe.serve.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.chat.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a model family writes tool calls in its reply, and how to read them back into OpenAI
 * {@link ToolCall}s:
 * <ul>
 *   <li>{@link #HERMES}: Hermes / Qwen2.5, one {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}
 *       block per call, possibly after some text;
 *   <li>{@link #LLAMA3_JSON}: Llama 3.1/3.2/3.3, the whole reply one JSON object
 *       {@code {"name": ..., "parameters": {...}}} (optionally after {@code <|python_tag|>});
 *   <li>{@link #MISTRAL}: {@code [TOOL_CALLS]} then a JSON array of {@code {"name", "arguments"}}
 *       (Mistral 7B v0.3, Nemo), or {@code [TOOL_CALLS]name[ARGS]{...}} per call (newer tokenizers).
 * </ul>
 * A reply that does not hold well-formed calls to functions the request defined is returned as
 * text, whole: a half-parsed call is worse than the model's own words.
 */
public enum ToolCallFormat {
    HERMES,
    LLAMA3_JSON,
    MISTRAL;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HERMES_CALL = Pattern.compile("<tool_call>\\s*(.*?)\\s*(?:</tool_call>|\\z)",
            Pattern.DOTALL);
    private static final String PYTHON_TAG = "<|python_tag|>";
    private static final String MISTRAL_CALLS = "[TOOL_CALLS]";
    private static final String MISTRAL_ARGS = "[ARGS]";

    /** The format a chat template writes tool calls in, judged from its source; empty when it shows none. */
    public static Optional<ToolCallFormat> detect(ChatTemplate template) {
        return detect(template.source());
    }

    static Optional<ToolCallFormat> detect(String source) {
        if (source.contains("<tool_call>")) {
            return Optional.of(HERMES);
        }
        if (source.contains(MISTRAL_CALLS)) {
            return Optional.of(MISTRAL);
        }
        if (source.contains("<|start_header_id|>") && source.contains("\"parameters\"")) {
            return Optional.of(LLAMA3_JSON);
        }
        return Optional.empty();
    }

    /**
     * For streaming with tools: how many leading characters of the reply so far are surely content,
     * so they can be sent as deltas now. The rest may still turn into a tool call (a marker, or the
     * start of one, is in sight; for Llama 3 a reply that opens with JSON) and should be held until
     * {@link #parse} has the whole reply.
     */
    public int streamableLength(String textSoFar) {
        return switch (this) {
            case HERMES -> beforeMarker(textSoFar, "<tool_call>");
            case MISTRAL -> beforeMarker(textSoFar, MISTRAL_CALLS);
            case LLAMA3_JSON -> {
                String s = textSoFar.stripLeading();
                boolean mayBeCall = s.isEmpty() || s.startsWith("{") || s.startsWith("[")
                        || s.startsWith(PYTHON_TAG) || PYTHON_TAG.startsWith(s);
                yield mayBeCall ? 0 : textSoFar.length();
            }
        };
    }

    /** Up to the marker, or up to a tail that could be the marker's beginning. */
    private static int beforeMarker(String text, String marker) {
        int at = text.indexOf(marker);
        if (at >= 0) {
            return at;
        }
        for (int k = Math.min(marker.length() - 1, text.length()); k > 0; k--) {
            if (text.endsWith(marker.substring(0, k))) {
                return text.length() - k;
            }
        }
        return text.length();
    }

    /** Splits {@code reply} into text and calls to the functions in {@code tools}. */
    public AssistantReply parse(String reply, List<ToolDefinition> tools) {
        Set<String> names = tools.stream().map(ToolDefinition::name).collect(Collectors.toSet());
        try {
            return switch (this) {
                case HERMES -> hermes(reply, names);
                case LLAMA3_JSON -> llama(reply, names);
                case MISTRAL -> mistral(reply, names);
            };
        } catch (JsonProcessingException | NotACall e) {
            return AssistantReply.text(reply);
        }
    }

    private static AssistantReply hermes(String reply, Set<String> names) throws JsonProcessingException {
        Matcher m = HERMES_CALL.matcher(reply);
        List<ToolCall> calls = new ArrayList<>();
        int firstCall = -1;
        while (m.find()) {
            firstCall = firstCall < 0 ? m.start() : firstCall;
            calls.add(call(JSON.readTree(m.group(1)), "arguments", names));
        }
        if (calls.isEmpty()) {
            return AssistantReply.text(reply);
        }
        return new AssistantReply(textOrNull(reply.substring(0, firstCall)), calls);
    }

    private static AssistantReply llama(String reply, Set<String> names) throws JsonProcessingException {
        String body = reply.strip();
        if (body.startsWith(PYTHON_TAG)) {
            body = body.substring(PYTHON_TAG.length()).strip();
        }
        if (!body.startsWith("{") && !body.startsWith("[")) {
            return AssistantReply.text(reply);
        }
        JsonNode node = JSON.readTree(body);
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode c : node.isArray() ? node : List.of(node)) {
            calls.add(call(c, c.has("parameters") ? "parameters" : "arguments", names));
        }
        if (calls.isEmpty()) {
            throw new NotACall(); // "[]" calls nothing
        }
        return new AssistantReply(null, calls);
    }

    private static AssistantReply mistral(String reply, Set<String> names) throws JsonProcessingException {
        int at = reply.indexOf(MISTRAL_CALLS);
        if (at < 0) {
            return AssistantReply.text(reply);
        }
        String content = textOrNull(reply.substring(0, at));
        String rest = reply.substring(at + MISTRAL_CALLS.length()).strip();
        List<ToolCall> calls = new ArrayList<>();
        if (rest.startsWith("[") || rest.startsWith("{")) {
            JsonNode node = JSON.readTree(rest);
            for (JsonNode c : node.isArray() ? node : List.of(node)) {
                calls.add(call(c, "arguments", names));
            }
        } else {
            // name[ARGS]{...}, repeated with [TOOL_CALLS] between calls.
            for (String part : rest.split(Pattern.quote(MISTRAL_CALLS))) {
                int args = part.indexOf(MISTRAL_ARGS);
                if (args < 0) {
                    throw new NotACall();
                }
                String name = part.substring(0, args).strip();
                JsonNode arguments = JSON.readTree(part.substring(args + MISTRAL_ARGS.length()).strip());
                calls.add(checked(name, arguments, names));
            }
        }
        if (calls.isEmpty()) {
            throw new NotACall();
        }
        return new AssistantReply(content, calls);
    }

    private static ToolCall call(JsonNode c, String argumentsKey, Set<String> names) throws JsonProcessingException {
        if (!c.isObject() || !c.path("name").isTextual()) {
            throw new NotACall();
        }
        JsonNode arguments = c.get(argumentsKey);
        if (arguments == null) {
            arguments = JSON.createObjectNode();
        }
        return checked(c.get("name").asText(), arguments, names);
    }

    private static ToolCall checked(String name, JsonNode arguments, Set<String> names) throws JsonProcessingException {
        if (!names.contains(name)) {
            throw new NotACall();
        }
        // Arguments given as a JSON string (some models quote them) must hold an object themselves.
        JsonNode object = arguments.isTextual() ? JSON.readTree(arguments.asText()) : arguments;
        if (object == null || !object.isObject()) {
            throw new NotACall();
        }
        return ToolCall.of(name, JSON.writeValueAsString(object));
    }

    private static String textOrNull(String text) {
        String s = text.strip();
        return s.isEmpty() ? null : s;
    }

    /** The reply is not a well-formed call to a defined function: it stays text. */
    private static final class NotACall extends RuntimeException {
        NotACall() {
            super(null, null, false, false);
        }
    }
}
