package dev.lathe.cli.quickstart;

import dev.lathe.eval.harness.BleuMetric;
import dev.lathe.eval.harness.Decoding;
import dev.lathe.eval.harness.EvalExample;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.MetricScore;
import dev.lathe.eval.harness.RougeMetric;
import dev.lathe.eval.harness.Runner;
import dev.lathe.eval.harness.TextMetric;
import dev.lathe.eval.report.EvalReport;
import dev.lathe.eval.report.HtmlReport;
import dev.lathe.eval.report.JsonReport;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.hub.ProgressBar;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.tokenize.PromptFormat;
import dev.lathe.tune.peft.lora.LoraAdapters;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Step 4b: the response generator on the test split, base and tuned side by side: BLEU (sacreBLEU's
 * defaults) and ROUGE-L of greedy responses to a bounded number of test messages (spread evenly over the
 * split, which is ordered by intent), and the perplexity per response token over the whole test split
 * (from step 3b). The tuned model is the base with the saved adapter merged in, as it is served. Writes
 * {@code response_report.json} and {@code response_report.html} with the paired bootstrap comparison.
 */
final class ResponseEvaluation {

    /** One system's figures. */
    record SystemFigures(double bleu, double rougeL, double perplexity) {}

    /** The test figures. */
    record Figures(int generated, int maxTokens, SystemFigures base, SystemFigures tuned, Path json, Path html,
            List<String> tunedSamples) {}

    private ResponseEvaluation() {}

    static Figures run(ModelSelection.Selected models, ModelLoader loader, List<AlpacaExample> test,
            ResponseGeneratorTraining.Trained trained, QuickstartSettings settings, Path runDir, StepConsole console)
            throws IOException {
        PromptFormat format = GeneratorPrompt.format(models.generator());
        int n = Math.min(settings.generatedResponses(), test.size());
        List<EvalExample> examples = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            AlpacaExample e = test.get((int) ((long) k * test.size() / n));
            examples.add(new EvalExample(k, GeneratorPrompt.promptText(format, e.instruction()), List.of(e.output())));
        }
        Decoding decoding = new Decoding(settings.generatedMaxTokens(), 0f, 0, 8, GeneratorPrompt.stop(format));
        List<TextMetric> metrics = List.of(BleuMetric.defaults(), RougeMetric.defaults());
        Evaluation.BootstrapSettings boot = Evaluation.BootstrapSettings.defaults();

        Map<String, Object> baseTimings = new LinkedHashMap<>();
        List<String> baseOutputs = generate(models.generator(), examples, decoding, "base", baseTimings, console);
        Map<String, Object> tunedTimings = new LinkedHashMap<>();
        List<String> tunedOutputs;
        try (LoadedModel copy = loader.load(models.generatorSpec())) {
            LoraModel lora = LoraAdapters.load(copy.model(), trained.adapterDir(), 0);
            lora.merge();
            DecoderModel merged = lora.mergedModel();
            LoadedModel tuned = new LoadedModel(copy.folder(), copy.config(), merged, copy.tokenizer(), copy.chatTemplate(),
                    copy.ownChatTemplate(), copy.eosTokenIds(), copy.defaults(), copy.weights());
            tunedOutputs = generate(tuned, examples, decoding, "tuned", tunedTimings, console);
        }
        List<MetricScore> baseScores = Evaluation.score(metrics, baseOutputs, examples);
        List<MetricScore> tunedScores = Evaluation.score(metrics, tunedOutputs, examples);
        SystemFigures base = figures(baseScores, trained.baseTest().perplexity());
        SystemFigures tuned = figures(tunedScores, trained.tunedTest().perplexity());

        List<EvalReport.SystemResult> systems = List.of(
                system("base", models.generatorSpec().describe(), baseScores, boot, trained.baseTest(), baseTimings),
                system("tuned (LoRA)", models.generatorSpec().describe() + " + " + trained.adapterDir(), tunedScores,
                        boot, trained.tunedTest(), tunedTimings));
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("metrics", List.of("bleu", "rouge", "perplexity"));
        s.putAll(decoding.describe());
        s.put("generated_responses", n);
        s.put("perplexity", "per response token over the whole test split (" + test.size() + " examples)");
        s.put("bootstrap_samples", boot.samples());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("file", "Bitext customer support, test split (every " + (n == 0 ? 0 : test.size() / Math.max(1, n))
                + "th example)");
        data.put("examples", n);
        data.put("input_column", "instruction (in the generator's prompt format)");
        data.put("target_column", "response");
        List<MetricScore> firsts = List.of(baseScores.getFirst(), tunedScores.getFirst());
        EvalReport report = new EvalReport("lathe quickstart: support responses, base vs tuned", "generation", s, data,
                systems, Evaluation.compare(baseScores, tunedScores, boot),
                Evaluation.examples(examples, List.of(baseOutputs, tunedOutputs), firsts, Evaluation.SHOWN_EXAMPLES),
                Map.of());
        Path json = runDir.resolve("response_report.json");
        Path html = runDir.resolve("response_report.html");
        JsonReport.write(report, json);
        HtmlReport.write(report, html);
        return new Figures(n, settings.generatedMaxTokens(), base, tuned, json, html,
                tunedOutputs.subList(0, Math.min(3, tunedOutputs.size())));
    }

    private static List<String> generate(LoadedModel model, List<EvalExample> examples, Decoding decoding, String label,
            Map<String, Object> timings, StepConsole console) {
        try (ProgressBar bar = console.bar("generate (" + label + ")", examples.size(), "responses")) {
            List<String> out = Runner.generate(model, examples, decoding, bar::update, timings);
            bar.finish();
            return out.stream().map(String::strip).toList();
        }
    }

    private static EvalReport.SystemResult system(String name, String model, List<MetricScore> scores,
            Evaluation.BootstrapSettings boot, ResponseGeneratorTraining.Loss test, Map<String, Object> timings) {
        List<EvalReport.MetricEntry> entries = new ArrayList<>(Evaluation.entries(scores, boot));
        entries.add(new EvalReport.MetricEntry("perplexity", test.perplexity(), false, null,
                Map.of("loss", test.loss()), String.format(Locale.ROOT,
                        "perplexity = %.3f (mean loss %.4f per response token, whole test split)", test.perplexity(),
                        test.loss())));
        return new EvalReport.SystemResult(name, model, Map.of(), entries, null, timings);
    }

    private static SystemFigures figures(List<MetricScore> scores, double perplexity) {
        return new SystemFigures(value(scores, "BLEU"), value(scores, "rougeL"), perplexity);
    }

    private static double value(List<MetricScore> scores, String name) {
        return scores.stream().filter(s -> s.name().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " among " + scores.stream()
                        .map(MetricScore::name).toList())).value();
    }
}
