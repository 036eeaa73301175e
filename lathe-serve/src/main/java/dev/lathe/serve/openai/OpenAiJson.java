package dev.lathe.serve.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one JSON mapping of the API: record components in camelCase are written in OpenAI's snake_case,
 * and bodies that are not JSON become OpenAI's 400 {@code invalid_json} error.
 */
public final class OpenAiJson {
    /** Thread-safe once configured; shared by every handler. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .build();

    private OpenAiJson() {}

    /** Parses a request body; a 400 naming the position when it is not JSON. */
    public static JsonNode parse(byte[] body) {
        if (body.length == 0) throw OpenAiException.malformedJson("the body is empty");
        try {
            JsonNode n = MAPPER.readTree(body);
            if (n == null || n.isMissingNode()) throw OpenAiException.malformedJson("the body is empty");
            return n;
        } catch (IOException e) {
            String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() + " at "
                    + j.getLocation().offsetDescription() : e.getMessage();
            throw OpenAiException.malformedJson(detail);
        }
    }

    /** The JSON text of a response record. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
