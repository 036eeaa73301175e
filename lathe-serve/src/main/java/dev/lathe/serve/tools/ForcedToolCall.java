package dev.lathe.serve.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.serve.structured.JsonGrammar;
import dev.lathe.serve.structured.JsonSchemaCompiler;
import dev.lathe.serve.structured.UnsupportedSchemaException;
import java.util.List;
import java.util.Optional;

/**
 * {@code tool_choice} {@code required} or a named function, enforced: the reply is generated under a
 * {@link JsonGrammar} so it always parses into a call (vLLM's approach), whatever the model's own
 * call format. For a named function the reply is its arguments object; for {@code required} it is
 * {@code {"name": <one of the tools>, "arguments": {...}}}, each tool's arguments under its own schema.
 * One call: OpenAI's {@code required} asks for at least one, which one call meets. Tool schemas are
 * read leniently ({@link JsonGrammar.Options#LENIENT}): value bounds such as {@code minimum} or
 * {@code format} are accepted but not enforced, so the call always parses and has the declared shape.
 */
public final class ForcedToolCall {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonGrammar grammar;
    private final String namedFunction; // null for "required"

    private ForcedToolCall(JsonGrammar grammar, String namedFunction) {
        this.grammar = grammar;
        this.namedFunction = namedFunction;
    }

    /**
     * The forced call {@code choice} asks for, or empty when the model may answer in text.
     *
     * @throws ToolParameterException naming {@code tools[i].function.parameters} when a schema uses what
     *     constrained decoding cannot enforce
     */
    public static Optional<ForcedToolCall> of(ToolChoice choice, List<ToolDefinition> tools) {
        return switch (choice) {
            case ToolChoice.Function f -> {
                int i = indexOf(tools, f.name());
                yield Optional.of(new ForcedToolCall(compile(tools.get(i).parameters(), i), f.name()));
            }
            case ToolChoice.Required r -> {
                ObjectNode schema = JSON.createObjectNode();
                ArrayNode anyOf = schema.putArray("anyOf");
                for (ToolDefinition t : tools) {
                    ObjectNode call = anyOf.addObject().put("type", "object");
                    ObjectNode props = call.putObject("properties");
                    props.putObject("name").put("const", t.name());
                    props.set("arguments", t.parameters());
                    call.putArray("required").add("name").add("arguments");
                    call.put("additionalProperties", false);
                }
                try {
                    yield Optional.of(new ForcedToolCall(JsonSchemaCompiler.compile(schema, JsonGrammar.Options.LENIENT),
                            null));
                } catch (UnsupportedSchemaException e) {
                    // The pointer is /anyOf/<i>/properties/arguments/...: name the tool it came from.
                    String[] parts = e.pointer().split("/");
                    int i = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
                    throw unsupported(e, i, e.pointer().replaceFirst("^/anyOf/\\d+/properties/arguments", ""));
                }
            }
            default -> Optional.empty();
        };
    }

    private static int indexOf(List<ToolDefinition> tools, String name) {
        for (int i = 0; i < tools.size(); i++) {
            if (tools.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new ToolParameterException(ToolChoice.PARAM, "names function '" + name + "', which is not among the tools");
    }

    private static JsonGrammar compile(JsonNode parameters, int index) {
        try {
            return JsonSchemaCompiler.compile(parameters, JsonGrammar.Options.LENIENT);
        } catch (UnsupportedSchemaException e) {
            throw unsupported(e, index, e.pointer());
        }
    }

    private static ToolParameterException unsupported(UnsupportedSchemaException e, int index, String pointer) {
        return new ToolParameterException(ToolDefinition.PARAM + "[" + index + "].function.parameters",
                "cannot force a call with this schema (at '#" + pointer + "'): " + e.getMessage(), e);
    }

    /** The grammar to generate the reply under ({@link JsonGrammar#constraint}). */
    public JsonGrammar grammar() {
        return grammar;
    }

    /**
     * The call in a reply generated under {@link #grammar()}.
     *
     * @throws IllegalArgumentException when the text is not such a reply (e.g. cut short by max_tokens)
     */
    public ToolCall parse(String reply) {
        JsonNode node;
        try {
            node = JSON.readTree(reply);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the forced tool call is incomplete JSON (was it cut by max_tokens?): "
                    + e.getOriginalMessage(), e);
        }
        try {
            if (namedFunction != null) {
                return ToolCall.of(namedFunction, JSON.writeValueAsString(node));
            }
            return ToolCall.of(node.path("name").asText(), JSON.writeValueAsString(node.get("arguments")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
