package dev.lathe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.eval.harness.BleuMetric;
import dev.lathe.eval.harness.ChrfMetric;
import dev.lathe.eval.harness.ClassificationMetric;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.LineFiles;
import dev.lathe.eval.harness.MetricScore;
import dev.lathe.eval.harness.RougeMetric;
import dev.lathe.eval.harness.SquadMetric;
import dev.lathe.eval.harness.TextMetric;
import dev.lathe.eval.metrics.bleu.BleuOptions;
import dev.lathe.eval.metrics.bleu.BleuSmoothing;
import dev.lathe.eval.metrics.bleu.BleuTokenizer;
import dev.lathe.eval.metrics.chrf.ChrfOptions;
import dev.lathe.eval.metrics.classification.Average;
import dev.lathe.eval.metrics.classification.PrfOptions;
import dev.lathe.eval.metrics.classification.ZeroDivision;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe score}: scores line-aligned hypothesis and reference files with one metric, the way
 * sacreBLEU's command line does, printing the reference tool's score line (with its signature) or,
 * with {@code --json}, every statistic. Options carry the reference tools' own names; an option that
 * does not apply to the chosen metric is an error rather than silently ignored.
 */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score line-aligned hypotheses against references (BLEU, chrF, ROUGE, SQuAD, classification).",
                "Several --ref files are several reference streams (BLEU/chrF) or several gold answers/targets "
                        + "(SQuAD, ROUGE)."})
final class ScoreCommand implements Callable<Integer> {
    enum Metric { bleu, chrf, rouge, squad, classification }

    /** Which metrics each metric-specific option applies to. */
    private static final Map<String, List<Metric>> APPLIES = Map.ofEntries(
            Map.entry("--tokenize", List.of(Metric.bleu)), Map.entry("--smooth-method", List.of(Metric.bleu)),
            Map.entry("--smooth-value", List.of(Metric.bleu)), Map.entry("--lowercase", List.of(Metric.bleu)),
            Map.entry("--force", List.of(Metric.bleu)), Map.entry("--effective-order", List.of(Metric.bleu)),
            Map.entry("--max-ngram-order", List.of(Metric.bleu)),
            Map.entry("--sentence", List.of(Metric.bleu, Metric.chrf)),
            Map.entry("--width", List.of(Metric.bleu, Metric.chrf)),
            Map.entry("--chrf-word-order", List.of(Metric.chrf)), Map.entry("--chrf-char-order", List.of(Metric.chrf)),
            Map.entry("--chrf-beta", List.of(Metric.chrf)), Map.entry("--chrf-lowercase", List.of(Metric.chrf)),
            Map.entry("--chrf-whitespace", List.of(Metric.chrf)),
            Map.entry("--chrf-eps-smoothing", List.of(Metric.chrf)),
            Map.entry("--rouge-types", List.of(Metric.rouge)), Map.entry("--use-stemmer", List.of(Metric.rouge)),
            Map.entry("--split-summaries", List.of(Metric.rouge)), Map.entry("--bootstrap", List.of(Metric.rouge)),
            Map.entry("--confidence-interval", List.of(Metric.rouge)), Map.entry("--n-samples", List.of(Metric.rouge)),
            Map.entry("--bootstrap-seed", List.of(Metric.rouge)),
            Map.entry("--average", List.of(Metric.classification)),
            Map.entry("--pos-label", List.of(Metric.classification)),
            Map.entry("--labels", List.of(Metric.classification)),
            Map.entry("--zero-division", List.of(Metric.classification)));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Standard input for {@code --hyp -}; tests replace it. */
    InputStream stdin = System.in;

    @Option(names = "--metric", required = true, paramLabel = "NAME",
            description = "bleu, chrf, rouge, squad or classification.")
    Metric metric;

    @Option(names = "--hyp", required = true, paramLabel = "FILE", description = "Hypotheses, one per line ('-': stdin).")
    String hyp;

    @Option(names = "--ref", required = true, paramLabel = "FILE", description = "References, one per line (repeatable).")
    List<String> refs = new ArrayList<>();

    @Option(names = "--json", description = "Print every statistic as JSON.")
    boolean json;

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

    @Option(names = "--sentence", description = "BLEU/chrF: one score per line (BLEU with effective order, as sacreBLEU).")
    boolean sentence;

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

    @Option(names = "--bootstrap", description = "ROUGE: bootstrap intervals (rouge-score's BootstrapAggregator).")
    boolean bootstrap;

    @Option(names = "--confidence-interval", paramLabel = "C", description = "ROUGE bootstrap confidence (default 0.95).")
    double confidenceInterval = 0.95;

    @Option(names = "--n-samples", paramLabel = "N", description = "ROUGE bootstrap resamples (default 1000).")
    int nSamples = 1000;

    @Option(names = "--bootstrap-seed", paramLabel = "S", description = "ROUGE bootstrap seed (default 42).")
    long bootstrapSeed = 42;

    // classification (scikit-learn's names)
    @Option(names = "--average", paramLabel = "A", description = "micro, macro (default), weighted, binary or none.")
    String average = "macro";

    @Option(names = "--pos-label", paramLabel = "L", description = "Positive label of --average binary (default 1).")
    String posLabel = "1";

    @Option(names = "--labels", split = ",", paramLabel = "L", description = "Labels to score, in order (comma-separated).")
    List<String> labels;

    @Option(names = "--zero-division", paramLabel = "Z", description = "warn (default), 0, 1 or nan.")
    String zeroDivision = "warn";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "score", () -> {
            checkApplicable();
            List<String> hyps = LineFiles.read(hyp, stdin);
            List<List<String>> streams = new ArrayList<>();
            for (String r : refs) {
                List<String> lines = LineFiles.read(r, stdin);
                LineFiles.requireSameLength(hyp, hyps, r, lines);
                streams.add(lines);
            }
            TextMetric m = metric();
            if (sentence) {
                if (json) {
                    throw new IllegalArgumentException("--sentence prints score lines; it does not combine with --json");
                }
                m.sentenceLines(hyps, streams).forEach(out::println);
                out.flush();
                return 0;
            }
            List<MetricScore> scores = m.score(hyps, streams);
            if (json) {
                out.println(json(scores));
            } else if (m instanceof RougeMetric rm && bootstrap) {
                rm.bootstrapCsv(scores).forEach(out::println);
            } else {
                scores.stream().map(MetricScore::line).distinct().forEach(out::println);
            }
            out.flush();
            return 0;
        });
    }

    private void checkApplicable() {
        CommandLine.ParseResult pr = spec.commandLine().getParseResult();
        for (Map.Entry<String, List<Metric>> e : APPLIES.entrySet()) {
            if (pr.hasMatchedOption(e.getKey()) && !e.getValue().contains(metric)) {
                throw new IllegalArgumentException(e.getKey() + " applies to --metric " + join(e.getValue())
                        + ", not " + metric);
            }
        }
        if (metric == Metric.classification && refs.size() != 1) {
            throw new IllegalArgumentException("--metric classification takes exactly one --ref (the gold labels), got "
                    + refs.size());
        }
    }

    private static String join(List<Metric> ms) {
        return String.join("/", ms.stream().map(Enum::name).toList());
    }

    TextMetric metric() {
        return switch (metric) {
            case bleu -> {
                BleuOptions o = BleuOptions.defaults().withTokenizer(BleuTokenizer.of(tokenize))
                        .withSmoothing(BleuSmoothing.of(smoothMethod), smoothValue == null ? Double.NaN : smoothValue)
                        .withLowercase(lowercase).withForce(force).withEffectiveOrder(effectiveOrder)
                        .withMaxNgramOrder(maxNgramOrder);
                yield new BleuMetric(o, width);
            }
            case chrf -> new ChrfMetric(ChrfOptions.chrf().withCharOrder(chrfCharOrder).withWordOrder(chrfWordOrder)
                    .withBeta(chrfBeta).withLowercase(chrfLowercase).withWhitespace(chrfWhitespace)
                    .withEpsSmoothing(chrfEpsSmoothing), width);
            case rouge -> new RougeMetric(rougeTypes, useStemmer, splitSummaries,
                    bootstrap ? new Evaluation.BootstrapSettings(nSamples, confidenceInterval, bootstrapSeed) : null);
            case squad -> new SquadMetric();
            case classification -> new ClassificationMetric(Average.parse(average), PrfOptions.defaults()
                    .withLabels(labels).withPosLabel(posLabel).withZeroDivision(ZeroDivision.parse(zeroDivision)));
        };
    }

    /** The statistics of the scores, one map when they are reported together, else by name (ROUGE types). */
    static String json(List<MetricScore> scores) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        // Scores reported together (SQuAD's EM and F1, classification's figures) share one line and one map.
        boolean shared = scores.stream().allMatch(s -> s.line().equals(scores.getFirst().line()));
        if (shared) {
            return mapper.writeValueAsString(scores.getFirst().statistics());
        }
        Map<String, Object> byName = new LinkedHashMap<>();
        for (MetricScore s : scores) {
            byName.put(s.name(), s.statistics());
        }
        return mapper.writeValueAsString(byName);
    }
}
