package dev.lathe.serve.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * OpenAI's {@code tool_choice}: {@code "none"} (answer in text; the tools are not even shown to the
 * model), {@code "auto"} (the model decides), {@code "required"} (at least one call), or
 * {@code {"type": "function", "function": {"name": ...}}} (exactly that function). Without the
 * parameter OpenAI means auto when tools are given and none otherwise.
 */
public sealed interface ToolChoice {
    String PARAM = "tool_choice";

    record None() implements ToolChoice {}

    record Auto() implements ToolChoice {}

    record Required() implements ToolChoice {}

    record Function(String name) implements ToolChoice {}

    /** Whether the reply must be a tool call, and so can be forced with a grammar ({@link ForcedToolCall}). */
    default boolean forcesCall() {
        return this instanceof Required || this instanceof Function;
    }

    /**
     * Reads {@code tool_choice} against the request's tools.
     *
     * @throws ToolParameterException naming {@code tool_choice} when it is malformed, asks for a call
     *     without tools, or names a function that is not among them
     */
    static ToolChoice parse(JsonNode choice, List<ToolDefinition> tools) {
        if (choice == null || choice.isNull() || choice.isMissingNode()) {
            return tools.isEmpty() ? new None() : new Auto();
        }
        ToolChoice out;
        if (choice.isTextual()) {
            out = switch (choice.asText()) {
                case "none" -> new None();
                case "auto" -> new Auto();
                case "required" -> new Required();
                default -> throw new ToolParameterException(PARAM, "must be 'none', 'auto', 'required' or"
                        + " {\"type\": \"function\", \"function\": {\"name\": ...}}, got '" + choice.asText() + "'");
            };
        } else if (choice.isObject() && "function".equals(choice.path("type").asText())
                && choice.path("function").path("name").isTextual()) {
            String name = choice.path("function").path("name").asText();
            if (tools.stream().noneMatch(t -> t.name().equals(name))) {
                throw new ToolParameterException(PARAM, "names function '" + name + "', which is not among the tools "
                        + tools.stream().map(ToolDefinition::name).toList());
            }
            out = new Function(name);
        } else {
            throw new ToolParameterException(PARAM, "must be 'none', 'auto', 'required' or {\"type\": \"function\","
                    + " \"function\": {\"name\": ...}}, got " + choice);
        }
        if (tools.isEmpty() && !(out instanceof None)) {
            throw new ToolParameterException(PARAM, "is '" + choice.asText(choice.toString()) + "' but no tools were"
                    + " given");
        }
        return out;
    }
}
