package dev.lathe.eval.metrics.rouge;

import java.util.List;

/**
 * Turns text into the tokens ROUGE matches, as rouge-score's {@code Tokenizer} interface; a scorer
 * can be given another one (rouge-score's {@code tokenizer=} argument), e.g. for languages its
 * default tokenizer cannot see.
 */
@FunctionalInterface
public interface RougeTokenizer {

    /** The tokens of {@code text}; never null. */
    List<String> tokenize(String text);

    /**
     * rouge-score's DefaultTokenizer: lowercase (as Python's str.lower()), every run of characters
     * outside [a-z0-9] becomes a separator, and with {@code useStemmer} tokens longer than three
     * characters go through NLTK's Porter stemmer. Only ASCII letters and digits survive: text in
     * other scripts yields no tokens at all (accented letters split words: "café" gives "caf").
     */
    static RougeTokenizer defaultTokenizer(boolean useStemmer) {
        return useStemmer ? DefaultTokenizer.STEMMING : DefaultTokenizer.PLAIN;
    }
}
