package dev.lathe.eval.metrics.squad;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The official SQuAD {@code normalize_answer}, reproduced for Python 3 str semantics: lower-case
 * (full Unicode mapping, as str.lower), drop ASCII punctuation ({@code string.punctuation} only:
 * “curly quotes” and dashes stay), replace the whole words a / an / the by a space (a word is a
 * maximal run of Python-regex word characters: letters, digits and other numbers, '_'), then split
 * on Python's str.isspace() whitespace and join with single spaces.
 */
public final class SquadText {
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadText() {}

    /** The normalized answer string. */
    public static String normalize(String s) {
        if (s == null) throw new IllegalArgumentException("answer: got null");
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder noPunct = new StringBuilder(lower.length());
        lower.codePoints().filter(cp -> cp >= 128 || PUNCTUATION.indexOf(cp) < 0).forEach(noPunct::appendCodePoint);
        return String.join(" ", split(removeArticles(noPunct.toString())));
    }

    /** The tokens of the normalized answer (none for an empty or all-punctuation answer). */
    public static List<String> tokens(String s) {
        String n = normalize(s);
        return n.isEmpty() ? List.of() : List.of(n.split(" "));
    }

    // re.sub(r'\b(a|an|the)\b', ' ', text): the match is all word characters between two word
    // boundaries, so it is exactly a whole word run equal to one of the articles.
    private static String removeArticles(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            if (!isWord(cp)) {
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
                continue;
            }
            int start = i;
            while (i < text.length() && isWord(text.codePointAt(i))) i += Character.charCount(text.codePointAt(i));
            String word = text.substring(start, i);
            out.append(word.equals("a") || word.equals("an") || word.equals("the") ? " " : word);
        }
        return out.toString();
    }

    /** Python re's Unicode \w: str.isalnum() or '_'. */
    static boolean isWord(int cp) {
        if (cp == '_' || Character.isLetter(cp)) return true;
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** Python str.isspace(). */
    static boolean isPythonSpace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029,
                 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    /** Python str.split() with no separator. */
    static List<String> split(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && isPythonSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            int start = i;
            while (i < s.length() && !isPythonSpace(s.codePointAt(i))) i += Character.charCount(s.codePointAt(i));
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }
}
