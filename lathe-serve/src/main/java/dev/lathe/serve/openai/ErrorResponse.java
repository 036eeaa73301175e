package dev.lathe.serve.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}, param and code null when absent. */
public record ErrorResponse(Error error) {
    /** The error object; null fields are written as JSON null, as OpenAI does. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Error(String message, String type, String param, String code) {}
}
