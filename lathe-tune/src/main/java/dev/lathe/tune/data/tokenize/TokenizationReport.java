package dev.lathe.tune.data.tokenize;

import dev.lathe.tune.data.report.LengthStats;
import java.util.List;
import java.util.Locale;

/**
 * What tokenization did to each split, for the console and for JSON: the format, the length limit and
 * policy, and per split the records in, sequences out, records truncated and dropped, trained tokens and
 * the token-length distribution (with its histogram).
 */
public record TokenizationReport(String format, int maxLength, String truncation, String lossOn, boolean packing,
        List<SplitFigures> splits) {

    /** One split's figures (the sequences themselves left out). */
    public record SplitFigures(String name, int records, int sequences, int truncated, int dropped,
            long trainedTokens, LengthStats tokens) {}

    public TokenizationReport {
        splits = List.copyOf(splits);
    }

    public static TokenizationReport of(ExampleTokenizer tokenizer, List<TokenizedSplit> splits) {
        TokenizationConfig c = tokenizer.config();
        return new TokenizationReport(tokenizer.format().title(), c.maxLength(),
                c.truncation().name().toLowerCase(Locale.ROOT), c.lossOn().name().toLowerCase(Locale.ROOT), c.packing(),
                splits.stream().map(s -> new SplitFigures(s.name(), s.records(), s.examples().size(), s.truncated(),
                        s.dropped(), s.trainedTokens(), s.tokens())).toList());
    }

    /** A compact console table, and the train split's token-length histogram. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "tokenized with %s  max_length %d (%s)  loss on %s%s%n", format, maxLength,
                truncation, lossOn, packing ? "  packed" : ""));
        sb.append(String.format(Locale.ROOT, "%-12s %7s %9s %9s %7s %9s %7s %7s %7s%n", "split", "records", "sequences",
                "truncated", "dropped", "trained", "tok p50", "p95", "max"));
        for (SplitFigures s : splits) {
            sb.append(String.format(Locale.ROOT, "%-12s %7d %9d %9d %7d %9d %7d %7d %7d%n", s.name(), s.records(),
                    s.sequences(), s.truncated(), s.dropped(), s.trainedTokens(), s.tokens().p50(), s.tokens().p95(),
                    s.tokens().max()));
        }
        if (!splits.isEmpty()) {
            LengthStats t = splits.getFirst().tokens();
            int peak = t.histogram().stream().mapToInt(LengthStats.Bin::count).max().orElse(0);
            sb.append(splits.getFirst().name()).append(" sequence length (tokens)\n");
            boolean leading = true;
            for (LengthStats.Bin b : t.histogram()) {
                if (leading && b.count() == 0) {
                    continue;
                }
                leading = false;
                int bar = peak == 0 ? 0 : (int) Math.round(30.0 * b.count() / peak);
                sb.append(String.format(Locale.ROOT, "  [%6d, %6d) %6d %s%n", b.from(), b.to(), b.count(), "#".repeat(bar)));
            }
        }
        return sb.toString();
    }
}
