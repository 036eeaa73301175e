package dev.lathe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.LineFiles;
import dev.lathe.eval.harness.MetricScore;
import dev.lathe.eval.harness.RougeMetric;
import dev.lathe.eval.harness.SentenceLevelMetric;
import dev.lathe.eval.harness.TextMetric;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    /** The options of this command that apply to some metrics only (the shared ones are in MetricOptions). */
    private static final Map<String, List<String>> APPLIES = Map.of("--sentence", List.of("bleu", "chrf"),
            "--bootstrap", List.of("rouge"), "--confidence-interval", List.of("rouge"), "--n-samples",
            List.of("rouge"), "--bootstrap-seed", List.of("rouge"));

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

    @Mixin
    MetricOptions options;

    @Option(names = "--sentence", description = "BLEU/chrF: one score per line (BLEU with effective order, as sacreBLEU).")
    boolean sentence;

    @Option(names = "--bootstrap", description = "ROUGE: bootstrap intervals (rouge-score's BootstrapAggregator).")
    boolean bootstrap;

    @Option(names = "--confidence-interval", paramLabel = "C", description = "ROUGE bootstrap confidence (default 0.95).")
    double confidenceInterval = 0.95;

    @Option(names = "--n-samples", paramLabel = "N", description = "ROUGE bootstrap resamples (default 1000).")
    int nSamples = 1000;

    @Option(names = "--bootstrap-seed", paramLabel = "S", description = "ROUGE bootstrap seed (default 42).")
    long bootstrapSeed = 42;

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
                if (!(m instanceof SentenceLevelMetric sentenceLevel)) {
                    throw new IllegalArgumentException("--sentence is for bleu and chrf; " + m.id()
                            + " has no sentence-level mode");
                }
                sentenceLevel.sentenceLines(hyps, streams).forEach(out::println);
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
        MetricOptions.checkApplicable(spec.commandLine().getParseResult(), List.of(metric.name()), APPLIES);
        if (metric == Metric.classification && refs.size() != 1) {
            throw new IllegalArgumentException("--metric classification takes exactly one --ref (the gold labels), got "
                    + refs.size());
        }
    }

    TextMetric metric() {
        return options.create(metric.name(),
                bootstrap ? new Evaluation.BootstrapSettings(nSamples, confidenceInterval, bootstrapSeed) : null);
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
