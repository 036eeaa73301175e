package dev.lathe.serve.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * OpenAI's {@code response_format} request parameter read into a {@link JsonGrammar}:
 * {@code {"type": "text"}} (or absent) asks for none, {@code {"type": "json_object"}} for any JSON
 * object, {@code {"type": "json_schema", "json_schema": {"name": ..., "schema": {...}, "strict": ...}}}
 * for the schema, compiled (and enforced whether or not {@code strict} is set: constrained decoding
 * costs little, and a caller who sent a schema wants it met).
 */
public final class ResponseFormat {
    /** The request parameter's name, for error objects. */
    public static final String PARAM = "response_format";

    private ResponseFormat() {}

    /**
     * The grammar {@code responseFormat} asks for, or empty for plain text.
     *
     * @throws IllegalArgumentException naming the parameter path when the value is malformed
     * @throws UnsupportedSchemaException when the schema uses what structured output cannot enforce
     */
    public static Optional<JsonGrammar> grammar(JsonNode responseFormat) {
        if (responseFormat == null || responseFormat.isNull() || responseFormat.isMissingNode()) {
            return Optional.empty();
        }
        if (!responseFormat.isObject()) {
            throw new IllegalArgumentException(PARAM + " must be an object such as {\"type\": \"json_object\"}, got "
                    + responseFormat);
        }
        String type = responseFormat.path("type").asText("");
        return switch (type) {
            case "text" -> Optional.empty();
            case "json_object" -> Optional.of(JsonGrammar.anyObject());
            case "json_schema" -> {
                JsonNode spec = responseFormat.get("json_schema");
                if (spec == null || !spec.isObject()) {
                    throw new IllegalArgumentException(PARAM + ".json_schema is required with type json_schema and must"
                            + " be an object with 'name' and 'schema'");
                }
                JsonNode name = spec.get("name");
                if (name == null || !name.isTextual() || !name.asText().matches("[A-Za-z0-9_-]{1,64}")) {
                    throw new IllegalArgumentException(PARAM + ".json_schema.name is required: 1 to 64 letters, digits,"
                            + " underscores or dashes, got " + name);
                }
                JsonNode schema = spec.get("schema");
                if (schema == null) {
                    // OpenAI's schema is optional: without it the model may answer any JSON object.
                    yield Optional.of(JsonGrammar.anyObject());
                }
                yield Optional.of(JsonSchemaCompiler.compile(schema));
            }
            default -> throw new IllegalArgumentException(PARAM + ".type must be one of text, json_object, json_schema;"
                    + " got " + responseFormat.path("type"));
        };
    }
}
