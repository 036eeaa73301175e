package dev.lathe.tune.data.tokenize;

import dev.lathe.tune.data.report.LengthStats;
import dev.lathe.tune.train.TokenizedExample;
import java.util.List;

/**
 * One split after tokenization: the sequences, and what became of the records for the report.
 *
 * @param name      train, validation or test
 * @param records   records in
 * @param examples  sequences out (with packing, chunks rather than records)
 * @param truncated records shortened to fit {@code maxLength}
 * @param dropped   records left out because they did not fit
 * @param tokens    the sequences' lengths in tokens (with the histogram)
 * @param trainedTokens tokens that take the loss, over all sequences
 */
public record TokenizedSplit(String name, int records, List<TokenizedExample> examples, int truncated, int dropped,
        LengthStats tokens, long trainedTokens) {
    public TokenizedSplit {
        examples = List.copyOf(examples);
    }

    /** Sequence lengths, trained-token count and stats of {@code examples}. */
    static TokenizedSplit of(String name, int records, List<TokenizedExample> examples, int truncated, int dropped) {
        int[] lengths = new int[examples.size()];
        long trained = 0;
        for (int i = 0; i < lengths.length; i++) {
            TokenizedExample e = examples.get(i);
            lengths[i] = e.length();
            for (int l : e.labels()) {
                trained += l == TokenizedExample.IGNORE ? 0 : 1;
            }
        }
        return new TokenizedSplit(name, records, examples, truncated, dropped, LengthStats.of(lengths), trained);
    }
}
