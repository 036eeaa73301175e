package dev.lathe.tune.data;

import java.util.List;
import java.util.Objects;

/** Plain text (language-model pre-training style), or text with a label (classification). */
public record TextExample(String text, String label, Origin origin) implements Example {
    public TextExample {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(origin, "origin");
    }

    @Override public Shape shape() { return label == null ? Shape.TEXT : Shape.TEXT_LABEL; }

    @Override public List<String> texts() { return List.of(text); }

    @Override
    public Example withTexts(List<String> t) {
        Example.requireSize(t, 1, shape());
        return new TextExample(t.get(0), label, origin);
    }

    @Override public boolean isEmpty() { return text.isBlank(); }
}
