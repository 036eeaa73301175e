package dev.lathe.tune.data;

import java.util.List;

/**
 * One training record in one of the supported {@link Shape}s. Cleaning steps treat every shape
 * alike through {@link #texts()} and {@link #withTexts(List)}: the text fields in a fixed order,
 * replaced one for one; labels and chat roles are never rewritten.
 */
public sealed interface Example permits AlpacaExample, ChatExample, PromptCompletionExample, TextExample {
    Shape shape();

    /** The class label, or null when the record has none. */
    String label();

    Origin origin();

    /** The text fields, in the shape's order. */
    List<String> texts();

    /** The same record with its text fields replaced (same count and order as {@link #texts()}). */
    Example withTexts(List<String> texts);

    /** True when a field the shape needs is blank, so the record cannot train anything. */
    boolean isEmpty();

    /** All text joined by newlines: what length filters and near-duplicate detection look at. */
    default String joinedText() {
        return String.join("\n", texts());
    }

    /** Identity of the content for exact deduplication (fields kept apart, roles included). */
    default String contentKey() {
        return getClass().getSimpleName() + "\u001e" + String.join("\u001f", texts());
    }

    static void requireSize(List<String> texts, int n, Shape shape) {
        if (texts.size() != n) {
            throw new IllegalArgumentException("texts: a " + shape.title() + " record has " + n
                    + " text fields, got " + texts.size());
        }
    }
}
