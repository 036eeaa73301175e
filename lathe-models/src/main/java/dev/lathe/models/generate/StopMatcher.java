package dev.lathe.models.generate;

import java.util.List;

/**
 * Finds stop sequences in streamed text, across token boundaries, with OpenAI semantics: text before
 * the earliest match is emitted, the stop sequence and anything after it are not. Text that could
 * still become the start of a stop sequence is held back until the next token decides it.
 */
final class StopMatcher {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    StopMatcher(List<String> stops) {
        this.stops = stops;
    }

    /** Adds decoded text; returns the text now safe to emit. After a match, {@link #matched()} is true. */
    String accept(String delta) {
        if (stops.isEmpty() || matched) {
            return matched ? "" : delta;
        }
        pending.append(delta);
        // Emitted text never ends in a stop prefix, so any match starts inside pending.
        int best = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        if (best >= 0) {
            matched = true;
            String out = pending.substring(0, best);
            pending.setLength(0);
            return out;
        }
        String text = pending.toString();
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, text.length()); len > hold; len--) {
                if (text.regionMatches(text.length() - len, s, 0, len)) {
                    hold = len;
                    break;
                }
            }
        }
        pending.delete(0, text.length() - hold);
        return text.substring(0, text.length() - hold);
    }

    /** Releases held-back text (the sequence ended without a match). */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    boolean matched() {
        return matched;
    }
}
