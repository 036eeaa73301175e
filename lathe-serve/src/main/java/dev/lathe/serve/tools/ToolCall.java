package dev.lathe.serve.tools;

import java.security.SecureRandom;

/**
 * One function call of an assistant reply, in OpenAI's shape: {@code {"id": "call_...", "type":
 * "function", "function": {"name": ..., "arguments": "<JSON text>"}}}. {@code arguments} is a JSON
 * string, as OpenAI sends it, not an object.
 */
public record ToolCall(String id, String name, String arguments) {
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    public ToolCall {
        if (id == null || name == null || arguments == null) {
            throw new IllegalArgumentException("a tool call needs an id, a name and arguments");
        }
    }

    /** A call with a fresh id. */
    public static ToolCall of(String name, String argumentsJson) {
        return new ToolCall(newId(), name, argumentsJson);
    }

    /** A fresh OpenAI-style id: {@code call_} and 24 random letters and digits. */
    public static String newId() {
        StringBuilder s = new StringBuilder("call_");
        for (int i = 0; i < 24; i++) {
            s.append(ALPHANUMERIC.charAt(RANDOM.nextInt(ALPHANUMERIC.length())));
        }
        return s.toString();
    }

    /** Always {@code "function"}, the only tool type OpenAI's chat API has. */
    public String type() {
        return "function";
    }
}
