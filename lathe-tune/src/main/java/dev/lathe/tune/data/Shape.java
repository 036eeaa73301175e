package dev.lathe.tune.data;

import java.util.List;

/**
 * The record shapes a fine-tuning dataset comes in, with the field names each needs. Detection
 * tries them in this order; any shape may also carry a {@code label}.
 */
public enum Shape {
    CHAT("chat", List.of("messages"), List.of()),
    ALPACA("alpaca", List.of("instruction", "output"), List.of("input")),
    PROMPT_COMPLETION("prompt/completion", List.of("prompt", "completion"), List.of()),
    TEXT_LABEL("text+label", List.of("text", "label"), List.of()),
    TEXT("text", List.of("text"), List.of());

    private final String title;
    private final List<String> required;
    private final List<String> optional;

    Shape(String title, List<String> required, List<String> optional) {
        this.title = title;
        this.required = required;
        this.optional = optional;
    }

    public String title() { return title; }

    /** Fields every record of this shape must have. */
    public List<String> required() { return required; }

    /** Fields that may be absent or null (then empty). */
    public List<String> optional() { return optional; }

    /** "alpaca (instruction, output[, input])" for error messages. */
    public String describe() {
        String s = title + " (" + String.join(", ", required);
        for (String o : optional) s += "[, " + o + "]";
        return s + ")";
    }
}
