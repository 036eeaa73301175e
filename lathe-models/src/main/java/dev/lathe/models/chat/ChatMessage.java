package dev.lathe.models.chat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn of a conversation as chat templates see it: {@code message['role']},
 * {@code message['content']} and any extra fields a template reads ({@code tool_calls},
 * {@code tool_call_id}, {@code name} ...).
 *
 * @param role "system", "user", "assistant", "tool" ...
 * @param content a String, or a list of parts such as {@code {"type": "text", "text": "..."}}
 *     (passed to the template as is), or null (an assistant turn that only calls tools)
 * @param extra further fields, in the order the template should see them
 */
public record ChatMessage(String role, Object content, Map<String, Object> extra) {
    public ChatMessage {
        if (role == null || role.isEmpty()) throw new IllegalArgumentException("role must be a non-empty string");
        if (content != null && !(content instanceof String) && !(content instanceof List<?>)) {
            throw new IllegalArgumentException("content must be a String, a List of parts or null, got "
                    + content.getClass().getName());
        }
        extra = extra == null ? Map.of() : new LinkedHashMap<>(extra);
    }

    public ChatMessage(String role, Object content) {
        this(role, content, Map.of());
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }

    /** The message as the template's dict: role, content, then the extra fields. */
    Map<String, Object> toTemplateValue() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("role", role);
        out.put("content", content);
        out.putAll(extra);
        return out;
    }
}
