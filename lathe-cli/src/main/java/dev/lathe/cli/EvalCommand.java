package dev.lathe.cli;

import dev.lathe.eval.harness.Decoding;
import dev.lathe.eval.harness.EvalData;
import dev.lathe.eval.harness.EvalExample;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.Fingerprints;
import dev.lathe.eval.harness.LineFiles;
import dev.lathe.eval.harness.MetricScore;
import dev.lathe.eval.harness.PerplexityScores;
import dev.lathe.eval.harness.Runner;
import dev.lathe.eval.harness.TextMetric;
import dev.lathe.eval.harness.TextMetrics;
import dev.lathe.eval.perplexity.PerplexityOptions;
import dev.lathe.eval.report.EvalReport;
import dev.lathe.eval.report.HtmlReport;
import dev.lathe.eval.report.JsonReport;
import dev.lathe.models.hub.ProgressBar;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lathe eval}: runs a model (and with {@code --compare} a second one on the same examples) over
 * a JSONL/CSV evaluation set with fixed, recorded decoding, scores the outputs, and writes the results
 * as JSON and as a self-contained HTML report (both atomically). Standard output gets a summary table;
 * progress and loading messages go to standard error.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model on a dataset (generation, qa, perplexity; classification from a "
                + "--predictions file) and write JSON and HTML reports."})
final class EvalCommand implements Callable<Integer> {
    enum Task { generation, classification, qa, perplexity }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "The model (as in lathe generate).")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer .bin (llama2.c checkpoints).")
    Path tokenizer;

    @Option(names = "--compare", paramLabel = "MODEL2", description = "A second model run on the same examples; "
            + "reports the paired bootstrap test of it against --model.")
    String compare;

    @Option(names = "--adapter", paramLabel = "DIR", description = "A LoRA adapter (PEFT folder) merged into --model "
            + "before it is evaluated.")
    Path adapter;

    @Option(names = "--compare-adapter", paramLabel = "DIR", description = "A LoRA adapter for the second system: "
            + "merged into --compare, or without --compare into another copy of --model (base vs base+adapter).")
    Path compareAdapter;

    @Option(names = "--data", required = true, paramLabel = "FILE", description = "Evaluation set: .jsonl or .csv.")
    Path data;

    @Option(names = "--task", paramLabel = "TASK", description = "generation (default), qa, perplexity or classification.")
    Task task = Task.generation;

    @Option(names = "--metrics", split = ",", paramLabel = "M", description = "Metrics (default: generation "
            + "bleu,chrf,rouge; qa squad; classification classification; perplexity perplexity).")
    List<String> metrics;

    @Mixin
    MetricOptions metricOptions;

    @Option(names = "--input-column", paramLabel = "COL", description = "Input column (default prompt, instruction or text).")
    String inputColumn;

    @Option(names = "--target-column", paramLabel = "COL", description = "Target column (default completion, output, "
            + "answer, target or label).")
    String targetColumn;

    @Option(names = "--limit", paramLabel = "N", description = "Evaluate the first N examples only.")
    int limit;

    @Option(names = "--predictions", paramLabel = "FILE", description = "Classification: predicted labels, one per line "
            + "(give it twice to compare two systems).")
    List<Path> predictions = new ArrayList<>();

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens generated per example (default 128).")
    int maxTokens = Decoding.DEFAULT_MAX_TOKENS;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default).")
    float temperature;

    @Option(names = "--seed", paramLabel = "S", description = "Sampling seed (example i uses seed + i; default 0).")
    long seed = Decoding.DEFAULT_SEED;

    @Option(names = "--stop", paramLabel = "STR", description = "Stop generating at this text (repeatable; e.g. "
            + "$'\\n' for one-line answers); recorded in the report.")
    List<String> stop = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples decoded together (default 8).")
    int batchSize = Decoding.DEFAULT_BATCH;

    @Option(names = "--window", paramLabel = "N", description = "Perplexity: tokens per forward pass (default: context).")
    int window;

    @Option(names = "--stride", paramLabel = "N", description = "Perplexity: window stride (default: the window).")
    int stride;

    @Option(names = "--bootstrap-samples", paramLabel = "N", description = "Bootstrap resamples (default 1000; 0 = none).")
    int bootstrapSamples = dev.lathe.eval.harness.Bootstrap.DEFAULT_SAMPLES;

    @Option(names = "--confidence", paramLabel = "C", description = "Interval confidence (default 0.95).")
    double confidence = dev.lathe.eval.harness.Bootstrap.DEFAULT_CONFIDENCE;

    @Option(names = "--bootstrap-seed", paramLabel = "S", description = "Bootstrap seed (default 12345, sacreBLEU's).")
    long bootstrapSeed = dev.lathe.eval.harness.Bootstrap.DEFAULT_SEED;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON here.")
    Path jsonOut;

    @Option(names = "--html", paramLabel = "FILE", description = "Write the HTML report here.")
    Path htmlOut;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "eval", () -> {
            long t0 = System.nanoTime();
            validate();
            EvalData.Loaded loaded = EvalData.load(data, inputColumn, targetColumn, limit);
            List<EvalExample> examples = loaded.examples();
            Decoding decoding = new Decoding(maxTokens, temperature, seed, batchSize, stop);
            Evaluation.BootstrapSettings boot = new Evaluation.BootstrapSettings(bootstrapSamples, confidence,
                    bootstrapSeed);
            List<String> metricIds = metricIds();
            List<TextMetric> textMetrics = new ArrayList<>();
            if (task != Task.perplexity) {
                MetricOptions.checkApplicable(spec.commandLine().getParseResult(), metricIds, Map.of());
                for (String id : metricIds) {
                    TextMetrics.byId(id); // unknown names fail here, listing the known ones
                    textMetrics.add(metricOptions.create(id, null));
                }
            }
            List<String> specs = new ArrayList<>();
            if (task == Task.classification) {
                predictions.forEach(p -> specs.add(p.toString()));
            } else {
                specs.add(model);
                if (compare != null || compareAdapter != null) {
                    specs.add(compare != null ? compare : model);
                }
            }
            List<Path> adapters = new ArrayList<>();
            adapters.add(adapter);
            adapters.add(compareAdapter);
            List<String> names = systemNames(specs, adapters);
            List<EvalReport.SystemResult> systems = new ArrayList<>();
            List<List<MetricScore>> scores = new ArrayList<>();
            List<List<String>> outputs = new ArrayList<>();
            for (int s = 0; s < specs.size(); s++) {
                Map<String, Object> timings = new LinkedHashMap<>();
                List<String> outs = List.of();
                List<MetricScore> ms;
                Map<String, String> fingerprint;
                if (task == Task.classification) {
                    Path p = predictions.get(s);
                    outs = LineFiles.read(p.toString(), System.in);
                    LineFiles.requireSameLength(p.toString(), outs, data + " (examples)", examples.stream()
                            .map(EvalExample::input).toList());
                    fingerprint = Fingerprints.of(p);
                    ms = Evaluation.score(textMetrics, outs, examples);
                } else {
                    ModelLoader loader = CliSupport.loader(err);
                    ModelSpec ms0 = ModelSpec.parse(specs.get(s), tokenizer);
                    long l0 = System.nanoTime();
                    try (LoadedModel loadedBase = loader.load(ms0)) {
                        LoadedModel m = adapters.get(s) == null ? loadedBase : Adapters.merge(loadedBase, adapters.get(s));
                        timings.put("load_seconds", (System.nanoTime() - l0) / 1e9);
                        fingerprint = Fingerprints.of(m.folder());
                        String label = names.get(s) + " " + task;
                        try (ProgressBar bar = ProgressBar.counting(label, examples.size(), "examples")) {
                            if (task == Task.perplexity) {
                                PerplexityOptions po = PerplexityOptions.defaults().withWindow(window).withStride(stride);
                                ms = List.of(PerplexityScores.of(Runner.perplexity(m, examples, po, bar::update, timings)));
                            } else {
                                outs = Runner.generate(m, examples, decoding, bar::update, timings);
                                long s0 = System.nanoTime();
                                ms = Evaluation.score(textMetrics, outs, examples);
                                timings.put("score_seconds", (System.nanoTime() - s0) / 1e9);
                            }
                        }
                    }
                }
                scores.add(ms);
                outputs.add(outs);
                EvalReport.Confusion confusion = null;
                if (task == Task.classification) {
                    var cm = ((dev.lathe.eval.harness.ClassificationMetric) metricOptions.create("classification", null))
                            .confusion(outs,
                            Evaluation.referenceStreams(examples).getFirst());
                    confusion = new EvalReport.Confusion(cm.labels(), cm.counts());
                }
                EvalReport.Adapter adapterInfo = adapters.get(s) == null ? null : Adapters.describe(adapters.get(s));
                systems.add(new EvalReport.SystemResult(names.get(s), specs.get(s), fingerprint, adapterInfo,
                        Evaluation.entries(ms, boot), confusion, timings));
            }
            List<EvalReport.PairedMetric> comparison = scores.size() == 2
                    ? Evaluation.compare(scores.get(0), scores.get(1), boot) : List.of();
            List<MetricScore> firsts = new ArrayList<>();
            for (List<MetricScore> ms : scores) {
                firsts.add(ms.isEmpty() ? null : ms.getFirst());
            }
            List<EvalReport.ExampleRow> rows = Evaluation.examples(examples, outputs, firsts, Evaluation.SHOWN_EXAMPLES);
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("metrics", metricIds);
            if (task == Task.generation || task == Task.qa) {
                settings.putAll(decoding.describe());
            }
            if (task == Task.perplexity) {
                settings.put("window", window == 0 ? "context" : window);
                settings.put("stride", stride == 0 ? "window" : stride);
            }
            settings.put("bootstrap_samples", bootstrapSamples);
            settings.put("confidence", confidence);
            settings.put("bootstrap_seed", bootstrapSeed);
            Map<String, Object> dataInfo = new LinkedHashMap<>();
            dataInfo.put("file", data.toString());
            dataInfo.put("sha256", Fingerprints.sha256(data));
            dataInfo.put("examples", examples.size());
            dataInfo.put("input_column", loaded.inputColumn());
            dataInfo.put("target_column", String.valueOf(loaded.targetColumn()));
            dataInfo.put("limit", limit);
            Map<String, Object> timings = new LinkedHashMap<>();
            timings.put("total_seconds", (System.nanoTime() - t0) / 1e9);
            String title = "lathe eval: " + task + " on " + data.getFileName();
            EvalReport report = new EvalReport(title, task.name(), settings, dataInfo, systems, comparison, rows, timings);
            if (jsonOut != null) {
                JsonReport.write(report, jsonOut);
            }
            if (htmlOut != null) {
                HtmlReport.write(report, htmlOut);
            }
            summary(out, report);
            return 0;
        });
    }

    private void validate() {
        if (task == Task.classification) {
            if (predictions.isEmpty() || predictions.size() > 2) {
                throw new IllegalArgumentException("--task classification needs one --predictions file (two to compare); "
                        + "classifier heads are not available yet, so labels cannot come from --model");
            }
            if (model != null || compare != null || adapter != null || compareAdapter != null) {
                throw new IllegalArgumentException("--task classification scores --predictions files; drop "
                        + "--model/--compare/--adapter/--compare-adapter");
            }
            return;
        }
        if (!predictions.isEmpty()) {
            throw new IllegalArgumentException("--predictions applies to --task classification only");
        }
        if (model == null) {
            throw new IllegalArgumentException("--model is required for --task " + task);
        }
        if (!Files.exists(data)) {
            throw new IllegalArgumentException("no such data file: " + data);
        }
    }

    private List<String> metricIds() {
        List<String> ids = metrics != null ? metrics : switch (task) {
            case generation -> List.of("bleu", "chrf", "rouge");
            case qa -> List.of("squad");
            case classification -> List.of("classification");
            case perplexity -> List.of("perplexity");
        };
        if (task == Task.perplexity && !ids.equals(List.of("perplexity"))) {
            throw new IllegalArgumentException("--task perplexity reports perplexity only, got --metrics " + ids);
        }
        return ids.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).toList();
    }

    /**
     * The systems' labels: the model's folder or file name, with "+adapter-folder" when an adapter is
     * merged; prefixed "base "/"compare " when both would read the same.
     */
    private static List<String> systemNames(List<String> specs, List<Path> adapters) {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < specs.size(); s++) {
            String name = lastName(specs.get(s));
            Path a = s < adapters.size() ? adapters.get(s) : null;
            names.add(a == null ? name : name + "+" + lastName(a.toString()));
        }
        if (names.size() == 2 && names.get(0).equals(names.get(1))) {
            return List.of("base " + names.get(0), "compare " + names.get(1));
        }
        return names;
    }

    private static String lastName(String spec) {
        Path p = Path.of(spec).getFileName();
        return p == null ? spec : p.toString();
    }

    private static void summary(PrintWriter out, EvalReport r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-14s", "metric"));
        for (EvalReport.SystemResult s : r.systems()) {
            b.append(String.format(Locale.ROOT, "  %-30s", s.name()));
        }
        if (!r.comparison().isEmpty()) {
            b.append("  delta       p-value");
        }
        out.println(b.toString().stripTrailing());
        for (int m = 0; m < r.systems().getFirst().metrics().size(); m++) {
            b.setLength(0);
            b.append(String.format(Locale.ROOT, "%-14s", r.systems().getFirst().metrics().get(m).name()));
            for (EvalReport.SystemResult s : r.systems()) {
                EvalReport.MetricEntry e = s.metrics().get(m);
                String cell = e.interval() == null ? String.format(Locale.ROOT, "%.4f", e.value())
                        : String.format(Locale.ROOT, "%.4f [%.4f, %.4f]", e.value(), e.interval().low(), e.interval().high());
                b.append(String.format(Locale.ROOT, "  %-30s", cell));
            }
            if (!r.comparison().isEmpty()) {
                EvalReport.PairedMetric p = r.comparison().get(m);
                b.append(String.format(Locale.ROOT, "  %+.4f  %.4f", p.delta(), p.pValue()));
            }
            out.println(b.toString().stripTrailing());
        }
        out.flush();
    }
}
