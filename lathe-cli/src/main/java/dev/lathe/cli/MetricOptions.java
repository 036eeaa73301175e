package dev.lathe.cli;

import dev.lathe.eval.harness.BleuMetric;
import dev.lathe.eval.harness.ChrfMetric;
import dev.lathe.eval.harness.ClassificationMetric;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.RougeMetric;
import dev.lathe.eval.harness.SquadMetric;
import dev.lathe.eval.harness.TextMetric;
import dev.lathe.eval.harness.TextMetrics;
import dev.lathe.eval.metrics.bleu.BleuOptions;
import dev.lathe.eval.metrics.bleu.BleuSmoothing;
import dev.lathe.eval.metrics.bleu.BleuTokenizer;
import dev.lathe.eval.metrics.chrf.ChrfOptions;
import dev.lathe.eval.metrics.classification.Average;
import dev.lathe.eval.metrics.classification.PrfOptions;
import dev.lathe.eval.metrics.classification.ZeroDivision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The metric options {@code lathe score} and {@code lathe eval} share, with the reference tools' own
 * names (sacreBLEU for BLEU/chrF, rouge-score for ROUGE, scikit-learn for classification). An option
 * given for a metric that is not in use is an error, so a typo'd run never silently scores with defaults.
 */
final class MetricOptions {
    /** Which metrics each option applies to (options of the commands themselves are added there). */
    static final Map<String, List<String>> APPLIES = Map.ofEntries(
            Map.entry("--tokenize", List.of("bleu")), Map.entry("--smooth-method", List.of("bleu")),
            Map.entry("--smooth-value", List.of("bleu")), Map.entry("--lowercase", List.of("bleu")),
            Map.entry("--force", List.of("bleu")), Map.entry("--effective-order", List.of("bleu")),
            Map.entry("--max-ngram-order", List.of("bleu")), Map.entry("--width", List.of("bleu", "chrf")),
            Map.entry("--chrf-word-order", List.of("chrf")), Map.entry("--chrf-char-order", List.of("chrf")),
            Map.entry("--chrf-beta", List.of("chrf")), Map.entry("--chrf-lowercase", List.of("chrf")),
            Map.entry("--chrf-whitespace", List.of("chrf")), Map.entry("--chrf-eps-smoothing", List.of("chrf")),
            Map.entry("--rouge-types", List.of("rouge")), Map.entry("--use-stemmer", List.of("rouge")),
            Map.entry("--split-summaries", List.of("rouge")), Map.entry("--average", List.of("classification")),
            Map.entry("--pos-label", List.of("classification")), Map.entry("--labels", List.of("classification")),
            Map.entry("--zero-division", List.of("classification")));

    @Option(names = {"-w", "--width"}, paramLabel = "N", description = "Decimals of the score (BLEU/chrF; default 1).")
    int width = 1;

    // BLEU (sacreBLEU's names)
    @Option(names = "--tokenize", paramLabel = "TOK", description = "BLEU tokenizer: 13a (default), intl, char, none.")
    String tokenize = "13a";

    @Option(names = "--smooth-method", paramLabel = "M", description = "BLEU smoothing: exp (default), floor, add-k, none.")
    String smoothMethod = "exp";

    @Option(names = "--smooth-value", paramLabel = "V", description = "Value for floor (0.1) or add-k (1).")
    Double smoothValue;

    @Option(names = "--lowercase", description = "BLEU: lowercase the data.")
    boolean lowercase;

    @Option(names = "--force", description = "BLEU: no warning on tokenized-looking input.")
    boolean force;

    @Option(names = "--effective-order", description = "BLEU: average only the n-gram orders present.")
    boolean effectiveOrder;

    @Option(names = "--max-ngram-order", paramLabel = "N", description = "BLEU: highest n-gram order (default 4).")
    int maxNgramOrder = 4;

    // chrF
    @Option(names = "--chrf-word-order", paramLabel = "N", description = "chrF word n-gram order (2 = chrF++; default 0).")
    int chrfWordOrder = 0;

    @Option(names = "--chrf-char-order", paramLabel = "N", description = "chrF character n-gram order (default 6).")
    int chrfCharOrder = 6;

    @Option(names = "--chrf-beta", paramLabel = "B", description = "chrF recall weight (default 2).")
    int chrfBeta = 2;

    @Option(names = "--chrf-lowercase", description = "chrF: lowercase the data.")
    boolean chrfLowercase;

    @Option(names = "--chrf-whitespace", description = "chrF: keep whitespace in character n-grams.")
    boolean chrfWhitespace;

    @Option(names = "--chrf-eps-smoothing", description = "chrF: epsilon smoothing (chrF++.py / NLTK / Moses).")
    boolean chrfEpsSmoothing;

    // ROUGE (rouge-score's names)
    @Option(names = "--rouge-types", split = ",", paramLabel = "T", description = "rouge1, rouge2, ..., rougeL, rougeLsum "
            + "(default rouge1,rouge2,rougeL).")
    List<String> rougeTypes = new ArrayList<>(List.of("rouge1", "rouge2", "rougeL"));

    @Option(names = "--use-stemmer", description = "ROUGE: Porter-stem tokens.")
    boolean useStemmer;

    @Option(names = "--split-summaries", description = "ROUGE: split rougeLsum summaries into sentences.")
    boolean splitSummaries;

    // classification (scikit-learn's names)
    @Option(names = "--average", paramLabel = "A", description = "micro, macro (default), weighted, binary or none.")
    String average = "macro";

    @Option(names = "--pos-label", paramLabel = "L", description = "Positive label of --average binary (default 1).")
    String posLabel = "1";

    @Option(names = "--labels", split = ",", paramLabel = "L", description = "Labels to score, in order (comma-separated).")
    List<String> labels;

    @Option(names = "--zero-division", paramLabel = "Z", description = "warn (default), 0, 1 or nan.")
    String zeroDivision = "warn";

    /** Fails when an option given on the command line applies to none of {@code metrics}. */
    static void checkApplicable(CommandLine.ParseResult parsed, Collection<String> metrics,
            Map<String, List<String>> extra) {
        Map<String, List<String>> all = new java.util.HashMap<>(APPLIES);
        all.putAll(extra);
        for (Map.Entry<String, List<String>> e : all.entrySet()) {
            if (parsed.hasMatchedOption(e.getKey()) && e.getValue().stream().noneMatch(metrics::contains)) {
                throw new IllegalArgumentException(e.getKey() + " applies to --metric " + String.join("/", e.getValue())
                        + ", not " + String.join(",", metrics));
            }
        }
    }

    /** The metric named {@code id} with these options; {@code rougeBootstrap} null for plain ROUGE means. */
    TextMetric create(String id, Evaluation.BootstrapSettings rougeBootstrap) {
        return switch (id.strip().toLowerCase(Locale.ROOT)) {
            case "bleu" -> new BleuMetric(BleuOptions.defaults().withTokenizer(BleuTokenizer.of(tokenize))
                    .withSmoothing(BleuSmoothing.of(smoothMethod), smoothValue == null ? Double.NaN : smoothValue)
                    .withLowercase(lowercase).withForce(force).withEffectiveOrder(effectiveOrder)
                    .withMaxNgramOrder(maxNgramOrder), width);
            case "chrf" -> new ChrfMetric(ChrfOptions.chrf().withCharOrder(chrfCharOrder).withWordOrder(chrfWordOrder)
                    .withBeta(chrfBeta).withLowercase(chrfLowercase).withWhitespace(chrfWhitespace)
                    .withEpsSmoothing(chrfEpsSmoothing), width);
            case "rouge" -> new RougeMetric(rougeTypes, useStemmer, splitSummaries, rougeBootstrap);
            case "squad" -> new SquadMetric();
            case "classification" -> new ClassificationMetric(Average.parse(average), PrfOptions.defaults()
                    .withLabels(labels).withPosLabel(posLabel).withZeroDivision(ZeroDivision.parse(zeroDivision)));
            default -> TextMetrics.byId(id);
        };
    }

    /** The labels option as given (null: the data's sorted labels). */
    List<String> labels() {
        return labels == null ? null : new ArrayList<>(labels);
    }
}
