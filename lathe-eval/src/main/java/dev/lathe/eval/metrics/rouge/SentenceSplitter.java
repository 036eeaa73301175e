package dev.lathe.eval.metrics.rouge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits text into sentences for ROUGE-Lsum when a scorer is built with {@code splitSummaries}.
 * rouge-score calls NLTK's {@code sent_tokenize} (the pre-trained English Punkt model) there; this
 * is an APPROXIMATION of Punkt, not a port, and the Punkt model is not available here to test
 * against: it breaks after '.', '?' or '!' (and any closing quotes or brackets) followed by
 * whitespace, except after a common English abbreviation ("Dr.", "e.g.", "Inc."), a single-letter
 * initial ("J."), or an ellipsis followed by a lowercase word. Newlines alone do not break (as in
 * Punkt). Scores computed with it can differ from rouge-score's where Punkt's learned
 * abbreviations and collocations decide otherwise; newline-separated summaries (the default mode)
 * are exact.
 */
public final class SentenceSplitter {

    /** Lowercased abbreviations (without their final period) that do not end a sentence. */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "vs", "etc", "e.g",
            "i.e", "cf", "al", "inc", "ltd", "co", "corp", "no", "nos", "vol", "fig", "figs",
            "pp", "p", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt", "cmdr", "adm",
            "rev", "hon", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
            "nov", "dec", "u.s", "u.k", "u.n", "a.m", "p.m", "approx", "dept", "est", "ave",
            "blvd", "rd");

    private SentenceSplitter() {
    }

    /** The sentences of {@code text}, trimmed, none empty. */
    public static List<String> split(String text) {
        if (text == null) {
            throw new IllegalArgumentException("text must not be null");
        }
        List<String> out = new ArrayList<>();
        int n = text.length();
        int start = 0;
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '.' || c == '?' || c == '!') {
                int end = i + 1;
                while (end < n && ".?!".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                while (end < n && "\"')]}\u201d\u2019".indexOf(text.charAt(end)) >= 0) {
                    end++;
                }
                if (end < n && Character.isWhitespace(text.charAt(end))
                        && breaksAfter(text, start, i, end)) {
                    add(out, text.substring(start, end));
                    start = end;
                }
                i = end;
            } else {
                i++;
            }
        }
        add(out, text.substring(start));
        return out;
    }

    /** Whether the terminator run starting at {@code mark} (ending before {@code end}) ends one. */
    private static boolean breaksAfter(String text, int sentenceStart, int mark, int end) {
        char c = text.charAt(mark);
        String run = text.substring(mark, end);
        if (c != '.' || run.contains("?") || run.contains("!")) {
            return true;
        }
        char next = nextNonSpace(text, end);
        if (run.startsWith("..")) {
            return !Character.isLowerCase(next); // an ellipsis ends a sentence before a capital
        }
        int w = mark;
        while (w > sentenceStart && !Character.isWhitespace(text.charAt(w - 1))
                && "\"'([{\u201c\u2018".indexOf(text.charAt(w - 1)) < 0) {
            w--;
        }
        String word = text.substring(w, mark).toLowerCase(Locale.ROOT);
        if (word.length() == 1 && Character.isLetter(word.charAt(0))) {
            return false; // an initial
        }
        return !ABBREVIATIONS.contains(word);
    }

    private static char nextNonSpace(String text, int from) {
        for (int k = from; k < text.length(); k++) {
            if (!Character.isWhitespace(text.charAt(k))) {
                return text.charAt(k);
            }
        }
        return ' ';
    }

    private static void add(List<String> out, String sentence) {
        String s = sentence.strip();
        if (!s.isEmpty()) {
            out.add(s);
        }
    }
}
