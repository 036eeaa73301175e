package dev.lathe.cli.quickstart;

import dev.lathe.cli.recipe.RunFolders;
import dev.lathe.eval.report.JsonReport;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.load.ModelSpec;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.data.AlpacaExample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code lathe quickstart}'s steps 1 to 5, in order, into a fresh {@code <output>/quickstart-<timestamp>/}
 * folder (never an earlier run's): prepare the data, select the models, train the intent classifier and
 * the LoRA response generator, evaluate both on the test split, calibrate and measure the escalation
 * policy; then the figures go to {@code metrics.json} and the server config to {@code support_bot.json}.
 * Step 6 (serving) is {@link SupportBotServer}. Every figure printed or written is measured in the run.
 */
public final class Quickstart {
    /** The run folder's name before its time stamp. */
    public static final String RUN_NAME = "quickstart";
    public static final String METRICS_FILE = "metrics.json";
    /** Bitext's intents that need a person by default: complaints and explicit requests for a human agent. */
    public static final Set<String> DEFAULT_PERSON_INTENTS = Set.of("complaint", "contact_human_agent");

    /**
     * What to run.
     *
     * @param repoRoot      the folder holding {@code data/} and {@code models/} (a clone of the repository)
     * @param outputRoot    where run folders go (default {@code repoRoot/runs})
     * @param base          the generator spec ({@code --base}), or null for the bundled stories260K
     * @param personIntents intents escalated to a person whatever the confidence
     * @param encoderCache  where all-MiniLM-L6-v2 is imported on first use
     * @param host          the server's interface (recorded in the server config)
     * @param port          the server's port (recorded in the server config)
     */
    public record Options(Path repoRoot, Path outputRoot, String base, QuickstartSettings settings,
            Set<String> personIntents, Path encoderCache, String host, int port) {
        public Options {
            Objects.requireNonNull(repoRoot, "repoRoot");
            Objects.requireNonNull(settings, "settings");
            personIntents = Set.copyOf(personIntents);
            outputRoot = outputRoot != null ? outputRoot : repoRoot.resolve("runs");
        }
    }

    /** A finished run: its folder and figures (as in {@code metrics.json}). */
    public record Result(Path runDir, Map<String, Object> metrics) {}

    private final ModelLoader loader;
    private final StepConsole console;

    public Quickstart(ModelLoader loader, java.io.PrintStream console) {
        this.loader = Objects.requireNonNull(loader, "loader");
        this.console = new StepConsole(Objects.requireNonNull(console, "console"));
    }

    /** Steps 1 to 5. */
    public Result run(Options o) throws IOException {
        Path csv = o.repoRoot().resolve("data/bitext-customer-support.csv");
        if (!Files.isRegularFile(csv)) {
            throw new IllegalArgumentException("the bundled dataset " + csv + " is missing: run the quickstart from a"
                    + " clone of the Lathe repository (it ships data/ and models/)");
        }
        ModelSpec spec = ModelSelection.generatorSpec(o.base(), o.repoRoot());
        long start = System.nanoTime();
        Path runDir = RunFolders.fresh(o.outputRoot(), RUN_NAME);
        QuickstartSettings s = o.settings();
        console.println("lathe quickstart" + (s.fast() ? " --fast" : "") + ": a customer-support assistant from the"
                + " Bitext data -> " + runDir);
        Map<String, Object> seconds = new LinkedHashMap<>();

        long t = System.nanoTime();
        console.step(1, "prepare the data");
        DataPreparation.PreparedData data = DataPreparation.run(csv, s, runDir, console);
        seconds.put("prepare", since(t));

        t = System.nanoTime();
        console.step(2, "select the models");
        try (ModelSelection.Selected models = ModelSelection.run(spec, loader, o.encoderCache(), console)) {
            seconds.put("select", since(t));

            t = System.nanoTime();
            console.step(3, "train the intent classifier and the response generator");
            IntentClassifierTraining.Trained classifier = IntentClassifierTraining.run(models, data, s, runDir, console);
            ResponseGeneratorTraining.Trained generator = ResponseGeneratorTraining.run(models, data, s, runDir, console);
            seconds.put("train", since(t));

            t = System.nanoTime();
            console.step(4, "evaluate on the held-out test split");
            List<TextClassifier.Prediction> testPredictions = Predictions.of(classifier.classifier(), data.test(),
                    "classify test", console);
            IntentEvaluation.Figures intents = IntentEvaluation.run(data.train(), data.test(), testPredictions, runDir);
            ResponseEvaluation.Figures responses = ResponseEvaluation.run(models, loader, data.test(), generator, s, runDir,
                    console);
            console.summary("Intent classifier on %d test messages: accuracy %.3f, macro-F1 %.3f (always answering the"
                            + " most frequent intent, %s, scores %.3f)%s. Responses: %d test messages answered greedily"
                            + " (at most %d tokens) by each model: BLEU %.2f -> %.2f, ROUGE-L %.3f -> %.3f, perplexity per"
                            + " response token over the test split %.2f -> %.2f (base -> tuned). Reports: %s and %s.",
                    intents.examples(), intents.accuracy(), intents.macroF1(), intents.majorityIntent(),
                    intents.majorityBaseline(), confusions(data.test(), testPredictions), responses.generated(),
                    responses.maxTokens(), responses.base().bleu(), responses.tuned().bleu(), responses.base().rougeL(),
                    responses.tuned().rougeL(), responses.base().perplexity(), responses.tuned().perplexity(),
                    intents.html(), responses.html());
            if (!responses.tunedSamples().isEmpty()) {
                console.println("a tuned response: " + abbreviate(responses.tunedSamples().getFirst()));
            }
            seconds.put("evaluate", since(t));

            t = System.nanoTime();
            console.step(5, "escalation policy");
            List<TextClassifier.Prediction> validationPredictions = Predictions.of(classifier.classifier(),
                    data.validation(), "classify validation", console);
            EscalationCalibration.Calibrated escalation = EscalationCalibration.run(data.validation(),
                    validationPredictions, data.test(), testPredictions, o.personIntents(),
                    new HashSet<>(classifier.labels().labels()), s.targetAccuracy(), console);
            seconds.put("escalation", since(t));

            Path root = o.repoRoot().toAbsolutePath().normalize();
            new SupportBotConfig(o.base() != null ? o.base() : root.resolve(ModelSelection.DEFAULT_GENERATOR).toString(),
                    o.base() != null ? null : root.resolve(ModelSelection.DEFAULT_TOKENIZER).toString(),
                    "adapter", "classifier", o.encoderCache().toAbsolutePath().toString(), s.classifierMaxLength(),
                    escalation.policy().confidenceThreshold(), List.copyOf(new java.util.TreeSet<>(o.personIntents())),
                    true, o.host(), o.port()).write(runDir);
            seconds.put("total", since(start));
            Map<String, Object> metrics = metrics(o, spec, data, classifier, generator, intents, responses, escalation,
                    seconds);
            JsonReport.write(metrics, runDir.resolve(METRICS_FILE));
            console.println(String.format(java.util.Locale.ROOT, "%nquickstart finished in %.0f s; figures in %s",
                    (double) seconds.get("total"), runDir.resolve(METRICS_FILE)));
            return new Result(runDir, metrics);
        }
    }

    private static Map<String, Object> metrics(Options o, ModelSpec spec, DataPreparation.PreparedData data,
            IntentClassifierTraining.Trained classifier, ResponseGeneratorTraining.Trained generator,
            IntentEvaluation.Figures intents, ResponseEvaluation.Figures responses,
            EscalationCalibration.Calibrated escalation, Map<String, Object> seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("settings", o.settings());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rows_read", data.rowsRead());
        d.put("rows_used", data.rowsUsed());
        d.put("train", data.train().size());
        d.put("validation", data.validation().size());
        d.put("test", data.test().size());
        d.put("intents", classifier.labels().size());
        d.put("report", "data_report.json");
        m.put("data", d);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("encoder", "all-MiniLM-L6-v2 (frozen)");
        c.put("steps", classifier.steps());
        c.put("stopped_early", classifier.stoppedEarly());
        c.put("feature_seconds", classifier.featureSeconds());
        c.put("train_seconds", classifier.trainSeconds());
        c.put("validation_accuracy", classifier.validationAccuracy());
        c.put("validation_macro_f1", classifier.validationMacroF1());
        c.put("test_accuracy", intents.accuracy());
        c.put("test_macro_f1", intents.macroF1());
        c.put("majority_class", intents.majorityIntent());
        c.put("majority_class_test_accuracy", intents.majorityBaseline());
        c.put("report", "intent_report.html");
        m.put("classifier", c);
        Map<String, Object> g = new LinkedHashMap<>();
        g.put("base", spec.describe());
        g.put("method", "lora r=8 alpha=16 dropout=0.05 " + ResponseGeneratorTraining.TARGETS);
        g.put("trainable_parameters", generator.trainableParameters());
        g.put("train_sequences", generator.trainSequences());
        g.put("steps", generator.steps());
        g.put("stopped_early", generator.stoppedEarly());
        g.put("best_step", generator.bestStep());
        g.put("train_seconds", generator.trainSeconds());
        g.put("tokens_per_second", generator.tokensPerSecond());
        g.put("base_validation", generator.baseValidation());
        g.put("tuned_validation", generator.tunedValidation());
        g.put("base_test", generator.baseTest());
        g.put("tuned_test", generator.tunedTest());
        g.put("adapter", "adapter");
        m.put("generator", g);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("generated", responses.generated());
        r.put("max_tokens", responses.maxTokens());
        r.put("decoding", "greedy");
        r.put("base", responses.base());
        r.put("tuned", responses.tuned());
        r.put("report", "response_report.html");
        m.put("responses", r);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("threshold", escalation.policy().confidenceThreshold());
        e.put("target_accuracy", escalation.calibration().targetAccuracy());
        e.put("validation_coverage", escalation.calibration().coverage());
        e.put("validation_answered_accuracy", escalation.calibration().answeredAccuracy());
        e.put("person_intents", new java.util.TreeSet<>(escalation.policy().personIntents()));
        e.put("test", escalation.test());
        e.put("test_escalation_rate", escalation.test().escalationRate());
        e.put("test_precision", escalation.test().precision());
        e.put("test_recall", escalation.test().recall());
        m.put("escalation", e);
        m.put("seconds", seconds);
        return m;
    }

    /** The three most frequent confusions, for the summary. */
    private static String confusions(List<AlpacaExample> test, List<TextClassifier.Prediction> predictions) {
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < test.size(); i++) {
            String gold = test.get(i).label();
            String predicted = predictions.get(i).label();
            if (!gold.equals(predicted)) counts.merge(gold + " -> " + predicted, 1, Integer::sum);
        }
        List<Map.Entry<String, Integer>> top = new ArrayList<>(counts.entrySet());
        top.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        if (top.isEmpty()) return "; no confusions";
        StringBuilder sb = new StringBuilder("; most frequent confusions (true -> predicted): ");
        for (int i = 0; i < Math.min(3, top.size()); i++) {
            if (i > 0) sb.append(", ");
            sb.append(top.get(i).getKey()).append(" (").append(top.get(i).getValue()).append(')');
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        String one = s.replace('\n', ' ');
        return one.length() <= 200 ? one : one.substring(0, 200) + " ...";
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
