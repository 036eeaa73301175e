package dev.lathe.serve.openai;

import java.util.Map;

/**
 * A request failure answered with OpenAI's error object {@code {"error":{"message","type","param","code"}}}
 * and an HTTP status, plus any headers the answer needs (Retry-After, x-ratelimit-*). The factory methods
 * fix the status, type and code OpenAI uses for each case, so callers only say what went wrong.
 */
public final class OpenAiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, String> headers;

    public OpenAiException(int status, String message, String type, String param, String code,
            Map<String, String> headers) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** 400 for a parameter with a bad value or type; {@code param} names it as the client wrote it. */
    public static OpenAiException badParam(String param, String message) {
        return new OpenAiException(400, message, "invalid_request_error", param, "invalid_value", Map.of());
    }

    /** 400 for a parameter this server understands but does not implement yet. */
    public static OpenAiException unsupported(String param, String what) {
        return new OpenAiException(400, "'" + param + "' is not supported yet by this server: " + what,
                "invalid_request_error", param, "unsupported_parameter", Map.of());
    }

    /** 400 for a field the API does not define (OpenAI's own wording). */
    public static OpenAiException unknownParam(String param) {
        return new OpenAiException(400, "Unrecognized request argument supplied: " + param, "invalid_request_error",
                param, "unknown_parameter", Map.of());
    }

    /** 400 for a body that is not JSON, or not a JSON object. */
    public static OpenAiException malformedJson(String detail) {
        return new OpenAiException(400, "We could not parse the JSON body of your request. (HINT: This likely means"
                + " you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload.) Details: "
                + detail, "invalid_request_error", null, "invalid_json", Map.of());
    }

    /** 404 for a model name this server does not serve. */
    public static OpenAiException modelNotFound(String model) {
        return new OpenAiException(404, "The model `" + model + "` does not exist or you do not have access to it.",
                "invalid_request_error", "model", "model_not_found", Map.of());
    }

    /** 400 with code {@code context_length_exceeded}, in OpenAI's wording. */
    public static OpenAiException contextLength(String param, int limit, int requested, int promptTokens) {
        return new OpenAiException(400, "This model's maximum context length is " + limit + " tokens. However, you"
                + " requested " + requested + " tokens (" + promptTokens + " in the messages, "
                + (requested - promptTokens) + " in the completion). Please reduce the length of the messages or"
                + " completion.", "invalid_request_error", param, "context_length_exceeded", Map.of());
    }

    /** 401: no key, or a key this server does not know. */
    public static OpenAiException invalidApiKey(String message) {
        return new OpenAiException(401, message, "invalid_request_error", null, "invalid_api_key", Map.of());
    }

    /** 429 with the rate-limit headers; {@code type} is "requests" or "tokens", as OpenAI reports it. */
    public static OpenAiException rateLimited(String message, String type, Map<String, String> headers) {
        return new OpenAiException(429, message, type, null, "rate_limit_exceeded", headers);
    }

    /** 503 with Retry-After: the server is full and asks the client to come back. */
    public static OpenAiException overloaded(long retryAfterSeconds, String message) {
        return new OpenAiException(503, message, "server_error", null, "overloaded",
                Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
    }

    /** 413 for a body over the configured limit. */
    public static OpenAiException bodyTooLarge(long limit) {
        return new OpenAiException(413, "The request body is larger than this server accepts (" + limit + " bytes).",
                "invalid_request_error", null, "request_too_large", Map.of());
    }

    /** 404 for a path this server has no route for. */
    public static OpenAiException noRoute(String method, String path) {
        return new OpenAiException(404, "Invalid URL (" + method + " " + path + ")", "invalid_request_error", null,
                null, Map.of());
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body OpenAI sends for this error. */
    public ErrorResponse body() {
        return new ErrorResponse(new ErrorResponse.Error(getMessage(), type, param, code));
    }
}
