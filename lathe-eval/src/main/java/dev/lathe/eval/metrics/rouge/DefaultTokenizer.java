package dev.lathe.eval.metrics.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * rouge-score's default tokenizer (see {@link RougeTokenizer#defaultTokenizer}). Java's
 * {@code toLowerCase(Locale.ROOT)} agrees with Python's {@code str.lower()} on every character
 * whose lowercase holds ASCII letters or digits (U+0130 "İ" gives "i" plus a combining dot, U+212A
 * KELVIN SIGN gives "k"); a test checks that list against Python.
 */
final class DefaultTokenizer implements RougeTokenizer {

    static final DefaultTokenizer PLAIN = new DefaultTokenizer(false);
    static final DefaultTokenizer STEMMING = new DefaultTokenizer(true);

    private final boolean stem;

    private DefaultTokenizer(boolean stem) {
        this.stem = stem;
    }

    @Override
    public List<String> tokenize(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int n = lower.length();
        int i = 0;
        while (i < n) {
            while (i < n && !isTokenChar(lower.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && isTokenChar(lower.charAt(i))) {
                i++;
            }
            if (i > start) {
                String token = lower.substring(start, i);
                // rouge-score stems only words of more than three characters
                tokens.add(stem && token.length() > 3 ? PorterStemmer.stem(token) : token);
            }
        }
        // rouge-score drops anything that is not [a-z0-9]+ after stemming; a stem never is, but
        // keep the check so the two stay equal by construction
        tokens.removeIf(t -> t.isEmpty() || !t.chars().allMatch(c -> isTokenChar((char) c)));
        return tokens;
    }

    static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    @Override
    public String toString() {
        return stem ? "default+porter" : "default";
    }
}
