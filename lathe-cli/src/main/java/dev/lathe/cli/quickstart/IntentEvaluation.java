package dev.lathe.cli.quickstart;

import dev.lathe.eval.harness.ClassificationMetric;
import dev.lathe.eval.harness.EvalExample;
import dev.lathe.eval.harness.Evaluation;
import dev.lathe.eval.harness.MetricScore;
import dev.lathe.eval.report.EvalReport;
import dev.lathe.eval.report.HtmlReport;
import dev.lathe.eval.report.JsonReport;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.data.AlpacaExample;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Step 4a: the intent classifier on the held-out test split: accuracy and macro-F1 (as scikit-learn
 * computes them, with bootstrap intervals), the confusion matrix, and the majority-class baseline (always
 * predicting the most frequent training intent) for scale. Writes {@code intent_report.json} and
 * {@code intent_report.html} with lathe-eval's report writers.
 */
final class IntentEvaluation {

    /** The test figures. */
    record Figures(int examples, double accuracy, double macroF1, double majorityBaseline, String majorityIntent,
            Path json, Path html) {}

    private IntentEvaluation() {}

    static Figures run(List<AlpacaExample> train, List<AlpacaExample> test, List<TextClassifier.Prediction> predictions,
            Path runDir) throws IOException {
        List<String> gold = test.stream().map(AlpacaExample::label).toList();
        List<String> predicted = predictions.stream().map(TextClassifier.Prediction::label).toList();
        ClassificationMetric metric = ClassificationMetric.defaults();
        List<MetricScore> scores = metric.score(predicted, List.of(gold));
        double accuracy = scores.stream().filter(s -> s.name().equals("accuracy")).findFirst().orElseThrow().value();
        double macroF1 = scores.stream().filter(s -> s.name().equals("f1")).findFirst().orElseThrow().value();
        Map<String, Long> trainCounts = train.stream().collect(Collectors.groupingBy(AlpacaExample::label,
                Collectors.counting()));
        String majority = trainCounts.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))).orElseThrow().getKey();
        double baseline = gold.stream().filter(majority::equals).count() / (double) gold.size();

        Evaluation.BootstrapSettings boot = Evaluation.BootstrapSettings.defaults();
        var cm = metric.confusion(predicted, gold);
        List<EvalExample> examples = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            examples.add(new EvalExample(i, test.get(i).instruction(), List.of(gold.get(i))));
        }
        Map<String, Object> timings = new LinkedHashMap<>();
        EvalReport.SystemResult system = new EvalReport.SystemResult("intent classifier",
                "all-MiniLM-L6-v2 (frozen) + linear head: " + runDir.resolve("classifier"), Map.of(),
                Evaluation.entries(scores, boot), new EvalReport.Confusion(cm.labels(), cm.counts()), timings);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("metrics", List.of("classification"));
        settings.put("average", "macro");
        settings.put("majority_class", majority);
        settings.put("majority_class_accuracy", baseline);
        settings.put("bootstrap_samples", boot.samples());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("file", "Bitext customer support, test split");
        data.put("examples", test.size());
        data.put("input_column", "instruction");
        data.put("target_column", "intent");
        EvalReport report = new EvalReport("lathe quickstart: intent classification on the test split",
                "classification", settings, data, List.of(system), List.of(),
                Evaluation.examples(examples, List.of(predicted), List.of(scores.getFirst()), Evaluation.SHOWN_EXAMPLES),
                Map.of());
        Path json = runDir.resolve("intent_report.json");
        Path html = runDir.resolve("intent_report.html");
        JsonReport.write(report, json);
        HtmlReport.write(report, html);
        return new Figures(test.size(), accuracy, macroF1, baseline, majority, json, html);
    }
}
