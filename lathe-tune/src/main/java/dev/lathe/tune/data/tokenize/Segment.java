package dev.lathe.tune.data.tokenize;

/**
 * A piece of a rendered record: text the model sees, and whether its tokens are what the model learns to
 * write (the completion, an assistant turn). {@link #END_OF_SEQUENCE} stands for the tokenizer's EOS id
 * (the plain format ends each reply with it, so a tuned model learns to stop).
 */
public record Segment(String text, boolean trained) {
    /** The EOS token, trained: where a reply ends. */
    public static final Segment END_OF_SEQUENCE = new Segment(null, true);

    public static Segment prompt(String text) {
        return new Segment(text, false);
    }

    public static Segment completion(String text) {
        return new Segment(text, true);
    }

    public boolean isEndOfSequence() {
        return text == null;
    }
}
