package dev.lathe.eval.metrics.rouge;

import java.util.Locale;
import java.util.Map;

/**
 * The Porter stemmer as NLTK's {@code PorterStemmer} computes it in its default
 * {@code NLTK_EXTENSIONS} mode: Porter's 1980 algorithm with Martin Porter's later changes and
 * NLTK's own (an irregular-forms table, "ies"/"ied" on four-letter words, "alli"/"fulli"/"logi" in
 * step 2, the two-letter vc form of condition *o, and "y" to "i" only after a consonant that is not
 * the whole stem). rouge-score stems tokens of more than three characters with it when asked to, so
 * ROUGE with stemming depends on every detail; a test checks thousands of word/stem pairs written
 * by NLTK itself.
 *
 * <p>Written from the algorithm's description (Porter 1980, the NLTK documentation of the
 * extensions); the rule tables follow the order in which the first matching suffix decides.
 * Stateless and thread-safe.
 */
public final class PorterStemmer {

    /** NLTK's table of irregular forms, looked up before any rule. */
    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    /** Condition on the stem left after removing a suffix. */
    private interface Condition {
        boolean test(String stem);
    }

    /** Suffix, replacement, condition (null: always). */
    private record Rule(String suffix, String replacement, Condition condition) {
    }

    private static final Condition M_GT_0 = stem -> measure(stem) > 0;
    private static final Condition M_GT_1 = stem -> measure(stem) > 1;

    private static final Rule[] STEP2 = {
        new Rule("ational", "ate", M_GT_0), new Rule("tional", "tion", M_GT_0),
        new Rule("enci", "ence", M_GT_0), new Rule("anci", "ance", M_GT_0),
        new Rule("izer", "ize", M_GT_0), new Rule("bli", "ble", M_GT_0),
        new Rule("alli", "al", M_GT_0), new Rule("entli", "ent", M_GT_0),
        new Rule("eli", "e", M_GT_0), new Rule("ousli", "ous", M_GT_0),
        new Rule("ization", "ize", M_GT_0), new Rule("ation", "ate", M_GT_0),
        new Rule("ator", "ate", M_GT_0), new Rule("alism", "al", M_GT_0),
        new Rule("iveness", "ive", M_GT_0), new Rule("fulness", "ful", M_GT_0),
        new Rule("ousness", "ous", M_GT_0), new Rule("aliti", "al", M_GT_0),
        new Rule("iviti", "ive", M_GT_0), new Rule("biliti", "ble", M_GT_0),
        new Rule("fulli", "ful", M_GT_0),
        // NLTK measures "logi" on the stem plus its "l" (the word minus "ogi")
        new Rule("logi", "log", stem -> measure(stem + "l") > 0),
    };

    private static final Rule[] STEP3 = {
        new Rule("icate", "ic", M_GT_0), new Rule("ative", "", M_GT_0),
        new Rule("alize", "al", M_GT_0), new Rule("iciti", "ic", M_GT_0),
        new Rule("ical", "ic", M_GT_0), new Rule("ful", "", M_GT_0),
        new Rule("ness", "", M_GT_0),
    };

    private static final Rule[] STEP4 = {
        new Rule("al", "", M_GT_1), new Rule("ance", "", M_GT_1), new Rule("ence", "", M_GT_1),
        new Rule("er", "", M_GT_1), new Rule("ic", "", M_GT_1), new Rule("able", "", M_GT_1),
        new Rule("ible", "", M_GT_1), new Rule("ant", "", M_GT_1), new Rule("ement", "", M_GT_1),
        new Rule("ment", "", M_GT_1), new Rule("ent", "", M_GT_1),
        new Rule("ion", "", stem -> measure(stem) > 1 && endsWithAny(stem, 's', 't')),
        new Rule("ou", "", M_GT_1), new Rule("ism", "", M_GT_1), new Rule("ate", "", M_GT_1),
        new Rule("iti", "", M_GT_1), new Rule("ous", "", M_GT_1), new Rule("ive", "", M_GT_1),
        new Rule("ize", "", M_GT_1),
    };

    private PorterStemmer() {
    }

    /**
     * Stems one word as NLTK's {@code PorterStemmer().stem(word)} does: the word is lowercased
     * first, words of one or two characters are returned lowercased. rouge-score only passes
     * lowercase ASCII tokens of four or more characters.
     */
    public static String stem(String word) {
        if (word == null) {
            throw new IllegalArgumentException("word must not be null");
        }
        String w = word.toLowerCase(Locale.ROOT);
        // NLTK looks the table up, and measures the length, on the word as given (not lowercased)
        String irregular = IRREGULAR.get(word);
        if (irregular != null) {
            return irregular;
        }
        if (word.length() <= 2) {
            return w;
        }
        w = step1a(w);
        w = step1b(w);
        w = step1c(w);
        w = step2(w);
        w = applyRules(w, STEP3);
        w = applyRules(w, STEP4);
        w = step5a(w);
        return step5b(w);
    }

    // ---- letters and the measure ----

    private static boolean isVowelLetter(char c) {
        return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
    }

    /** A consonant is not a,e,i,o,u, and "y" only when it follows a vowel (or starts the word). */
    static boolean isConsonant(CharSequence w, int i) {
        // walk back over a run of y's: y after a consonant is a vowel, after a vowel a consonant
        int start = i;
        while (start > 0 && w.charAt(start) == 'y') {
            start--;
        }
        char c = w.charAt(start);
        if (start == i) {
            return !isVowelLetter(c);
        }
        boolean consonant = c == 'y' || !isVowelLetter(c); // a y here is at position 0
        for (int k = start + 1; k <= i; k++) {
            consonant = !consonant;
        }
        return consonant;
    }

    /** m in [C](VC){m}[V]: the number of vowel-to-consonant transitions. */
    static int measure(CharSequence stem) {
        int m = 0;
        boolean prevVowel = false;
        boolean prevConsonant = false;
        for (int i = 0; i < stem.length(); i++) {
            prevConsonant = isConsonant(stem, i);
            if (prevConsonant && prevVowel) {
                m++;
            }
            prevVowel = !prevConsonant;
        }
        return m;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) {
            if (!isConsonant(stem, i)) {
                return true;
            }
        }
        return false;
    }

    /** Condition *d: ends with a double consonant. */
    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Condition *o: ends cvc, the last c not w, x or y; NLTK also accepts a two-letter vc. */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') {
                return true;
            }
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    private static boolean endsWithAny(String w, char a, char b) {
        if (w.isEmpty()) {
            return false;
        }
        char c = w.charAt(w.length() - 1);
        return c == a || c == b;
    }

    private static String cut(String w, int suffixLength) {
        return w.substring(0, w.length() - suffixLength);
    }

    /** The first rule whose suffix matches decides: replaced if its condition holds, else kept. */
    private static String applyRules(String w, Rule[] rules) {
        for (Rule rule : rules) {
            if (w.endsWith(rule.suffix)) {
                String stem = cut(w, rule.suffix.length());
                return rule.condition == null || rule.condition.test(stem)
                        ? stem + rule.replacement : w;
            }
        }
        return w;
    }

    // ---- the steps ----

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) {
            return cut(w, 3) + "ie"; // NLTK: "dies" -> "die", "flies" -> "fli"
        }
        if (w.endsWith("sses")) {
            return cut(w, 2);
        }
        if (w.endsWith("ies")) {
            return cut(w, 2);
        }
        if (w.endsWith("ss")) {
            return w;
        }
        if (w.endsWith("s")) {
            return cut(w, 1);
        }
        return w;
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) {
            return cut(w, 3) + (w.length() == 4 ? "ie" : "i");
        }
        if (w.endsWith("eed")) {
            String stem = cut(w, 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem;
        if (w.endsWith("ed") && containsVowel(cut(w, 2))) {
            stem = cut(w, 2);
        } else if (w.endsWith("ing") && containsVowel(cut(w, 3))) {
            stem = cut(w, 3);
        } else {
            return w;
        }
        // tidy the stem so that -ate, -ble, -ize can be recognised later
        if (stem.endsWith("at") || stem.endsWith("bl") || stem.endsWith("iz")) {
            return stem + "e";
        }
        if (endsDoubleConsonant(stem)) {
            char last = stem.charAt(stem.length() - 1);
            return last == 'l' || last == 's' || last == 'z' ? stem : cut(stem, 1);
        }
        return measure(stem) == 1 && endsCvc(stem) ? stem + "e" : stem;
    }

    private static String step1c(String w) {
        if (w.endsWith("y")) {
            String stem = cut(w, 1);
            return stem.length() > 1 && isConsonant(stem, stem.length() - 1) ? stem + "i" : w;
        }
        return w;
    }

    private static String step2(String w) {
        // NLTK: "alli" is rewritten to "al" and step 2 runs again on the result
        if (w.endsWith("alli") && measure(cut(w, 4)) > 0) {
            return step2(cut(w, 4) + "al");
        }
        return applyRules(w, STEP2);
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = cut(w, 1);
            int m = measure(stem);
            if (m > 1 || (m == 1 && !endsCvc(stem))) {
                return stem;
            }
        }
        return w;
    }

    private static String step5b(String w) {
        // the measure is taken on the word minus one "l"
        if (w.endsWith("ll")) {
            return measure(cut(w, 1)) > 1 ? cut(w, 1) : w;
        }
        return w;
    }
}
