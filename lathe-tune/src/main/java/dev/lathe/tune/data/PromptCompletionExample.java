package dev.lathe.tune.data;

import java.util.List;
import java.util.Objects;

/** A prompt and the completion the model should learn to write after it. */
public record PromptCompletionExample(String prompt, String completion, String label, Origin origin)
        implements Example {
    public PromptCompletionExample {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(completion, "completion");
        Objects.requireNonNull(origin, "origin");
    }

    @Override public Shape shape() { return Shape.PROMPT_COMPLETION; }

    @Override public List<String> texts() { return List.of(prompt, completion); }

    @Override
    public Example withTexts(List<String> t) {
        Example.requireSize(t, 2, shape());
        return new PromptCompletionExample(t.get(0), t.get(1), label, origin);
    }

    @Override public boolean isEmpty() { return prompt.isBlank() || completion.isBlank(); }
}
