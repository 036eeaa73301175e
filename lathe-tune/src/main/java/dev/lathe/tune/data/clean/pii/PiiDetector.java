package dev.lathe.tune.data.clean.pii;

import java.util.List;

/**
 * Finds one kind of personal data in a text. Guardrails and other modules add detectors by
 * implementing this and registering them in a {@link PiiRegistry}.
 */
public interface PiiDetector {
    /** Short kind name used in reports, e.g. "email". */
    String name();

    /** The text that replaces a match, e.g. {@code {{EMAIL}}}. */
    String placeholder();

    /** Matches as half-open char ranges of the text, in any order; overlaps are resolved by the redactor. */
    List<Span> find(String text);

    /** A match: chars {@code [start, end)}. */
    record Span(int start, int end) {
        public Span {
            if (start < 0 || end <= start) throw new IllegalArgumentException("span [" + start + ", " + end + ") is empty or negative");
        }
    }
}
