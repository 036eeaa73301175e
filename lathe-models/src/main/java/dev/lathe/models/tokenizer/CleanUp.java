package dev.lathe.models.tokenizer;

/**
 * transformers' {@code clean_up_tokenization}: drops the space before punctuation and English
 * contractions ({@code " ." -> "."}, {@code " n't" -> "n't"}), applied after decoding when
 * {@code clean_up_tokenization_spaces} is true.
 */
final class CleanUp {
    /** The replacements, in transformers' order. */
    static final String[][] RULES = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };

    private CleanUp() {}

    static String apply(String text) {
        String out = text;
        for (String[] rule : RULES) out = out.replace(rule[0], rule[1]);
        return out;
    }

    /**
     * Where a stream must cut {@code text}: everything from the returned index on may still change
     * when more text arrives. Every pattern starts with a space and is at most 4 characters long, so
     * the cut steps back to any space among the 3 characters before it until there is none; then no
     * pattern can straddle the cut. (Patterns created by an earlier replacement are not handled;
     * transformers applies the rules one after another over the whole text.)
     */
    static int safeCut(CharSequence text) {
        int cut = text.length();
        boolean moved = true;
        while (moved) {
            moved = false;
            for (int i = Math.max(0, cut - 3); i < cut; i++) {
                if (text.charAt(i) == ' ') {
                    cut = i;
                    moved = true;
                    break;
                }
            }
        }
        return cut;
    }
}
