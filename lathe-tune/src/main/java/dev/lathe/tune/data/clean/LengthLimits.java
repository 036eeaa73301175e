package dev.lathe.tune.data.clean;

import java.util.function.ToIntFunction;

/**
 * Bounds on a record's length (all its text joined by newlines), inclusive: in characters (UTF-16
 * chars, as {@link String#length()} counts them), and in
 * tokens when a token counter is given (any tokenizer: {@code text -> tokenizer.encode(text).length}).
 * Zero means no bound.
 */
public record LengthLimits(int minChars, int maxChars, ToIntFunction<String> tokenCounter, int minTokens, int maxTokens) {
    public LengthLimits {
        if (minChars < 0 || maxChars < 0 || minTokens < 0 || maxTokens < 0) {
            throw new IllegalArgumentException("length limits must be >= 0, got chars [" + minChars + ", " + maxChars
                    + "], tokens [" + minTokens + ", " + maxTokens + "]");
        }
        if (maxChars > 0 && minChars > maxChars) throw new IllegalArgumentException("minChars " + minChars + " > maxChars " + maxChars);
        if (maxTokens > 0 && minTokens > maxTokens) throw new IllegalArgumentException("minTokens " + minTokens + " > maxTokens " + maxTokens);
        if ((minTokens > 0 || maxTokens > 0) && tokenCounter == null) {
            throw new IllegalArgumentException("token limits need a tokenCounter");
        }
    }

    public static LengthLimits chars(int minChars, int maxChars) {
        return new LengthLimits(minChars, maxChars, null, 0, 0);
    }

    public static LengthLimits tokens(ToIntFunction<String> counter, int minTokens, int maxTokens) {
        return new LengthLimits(0, 0, counter, minTokens, maxTokens);
    }

    /** Null to keep, else the reason for removal. */
    String verdict(String text) {
        int c = text.length();
        if (minChars > 0 && c < minChars) return "too_short_chars";
        if (maxChars > 0 && c > maxChars) return "too_long_chars";
        if (tokenCounter != null && (minTokens > 0 || maxTokens > 0)) {
            int t = tokenCounter.applyAsInt(text);
            if (minTokens > 0 && t < minTokens) return "too_short_tokens";
            if (maxTokens > 0 && t > maxTokens) return "too_long_tokens";
        }
        return null;
    }
}
