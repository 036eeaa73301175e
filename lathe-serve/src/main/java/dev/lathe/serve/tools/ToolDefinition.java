package dev.lathe.serve.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One function the model may call, from OpenAI's request {@code tools}:
 * {@code {"type": "function", "function": {"name", "description", "parameters", "strict"}}}.
 *
 * @param parameters the arguments' JSON Schema (an empty object schema when the request gave none)
 * @param source the tool exactly as the request sent it, which chat templates render
 */
public record ToolDefinition(String name, String description, JsonNode parameters, JsonNode source) {
    public static final String PARAM = "tools";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads the request's {@code tools} (null or absent: none).
     *
     * @throws ToolParameterException naming the offending entry
     */
    public static List<ToolDefinition> parseAll(JsonNode tools) {
        if (tools == null || tools.isNull() || tools.isMissingNode()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw new ToolParameterException(PARAM, "must be an array of {\"type\": \"function\", \"function\": {...}}");
        }
        List<ToolDefinition> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            ToolDefinition t = parse(tools.get(i), PARAM + "[" + i + "]");
            if (!names.add(t.name())) {
                throw new ToolParameterException(PARAM + "[" + i + "].function.name", "duplicate function name '"
                        + t.name() + "'");
            }
            out.add(t);
        }
        return List.copyOf(out);
    }

    private static ToolDefinition parse(JsonNode tool, String at) {
        if (!tool.isObject() || !"function".equals(tool.path("type").asText())) {
            throw new ToolParameterException(at + ".type", "only tools of type 'function' are supported");
        }
        JsonNode f = tool.get("function");
        if (f == null || !f.isObject()) {
            throw new ToolParameterException(at + ".function", "is required and must be an object");
        }
        JsonNode name = f.get("name");
        if (name == null || !name.isTextual() || !NAME.matcher(name.asText()).matches()) {
            throw new ToolParameterException(at + ".function.name", "must be 1 to 64 letters, digits, underscores or"
                    + " dashes, got " + name);
        }
        JsonNode description = f.get("description");
        if (description != null && !description.isTextual() && !description.isNull()) {
            throw new ToolParameterException(at + ".function.description", "must be a string");
        }
        JsonNode parameters = f.get("parameters");
        if (parameters == null || parameters.isNull()) {
            ObjectNode empty = JSON.createObjectNode().put("type", "object");
            empty.putObject("properties");
            parameters = empty;
        } else if (!parameters.isObject()) {
            throw new ToolParameterException(at + ".function.parameters", "must be a JSON Schema object");
        }
        return new ToolDefinition(name.asText(), description == null || description.isNull() ? null : description.asText(),
                parameters, tool);
    }

    /** The tool as plain maps and lists, the form chat templates iterate over. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> templateValue() {
        return JSON.convertValue(source, Map.class);
    }
}
