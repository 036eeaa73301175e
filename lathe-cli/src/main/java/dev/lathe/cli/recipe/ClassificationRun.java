package dev.lathe.cli.recipe;

import dev.lathe.eval.metrics.classification.Average;
import dev.lathe.eval.metrics.classification.ClassificationMetrics;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.ChatExample;
import dev.lathe.tune.data.Example;
import dev.lathe.tune.data.PromptCompletionExample;
import dev.lathe.tune.data.TextExample;
import dev.lathe.tune.data.split.Splits;
import dev.lathe.tune.classify.BertEncoder;
import dev.lathe.tune.classify.ClassificationExample;
import dev.lathe.tune.classify.ClassificationTask;
import dev.lathe.tune.classify.ClassifierFiles;
import dev.lathe.tune.classify.DecoderEncoder;
import dev.lathe.tune.classify.Encoder;
import dev.lathe.tune.classify.LabelMap;
import dev.lathe.tune.classify.LoraClassifiers;
import dev.lathe.tune.classify.Pooling;
import dev.lathe.tune.classify.SequenceClassifier;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.classify.TrainingMode;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A recipe whose method is {@code classification}: a new head on a pretrained encoder (a BERT folder, or
 * {@code all-MiniLM-L6-v2}, imported on first use from its Maven artifact into Lathe's cache) or on a
 * decoder (last-token pooling), trained on labelled text with the head alone (frozen encoder, features
 * computed once), a LoRA adapter (on either family), or every weight. Figures before and after are
 * validation and test loss, accuracy and macro-F1 (the test set a share of the data or {@code data.test_path});
 * the classifier is saved as transformers saves a {@code *ForSequenceClassification} folder
 * ({@code classifier/}), or as PEFT saves a LoRA classifier. With {@code training.save_steps} the run writes
 * checkpoints, and {@code --resume} continues the newest run from its last one, the figures before training
 * read back from {@code baseline.json}.
 */
final class ClassificationRun {
    /** The model name that means the bundled-by-Maven sentence encoder. */
    static final String MINILM = "all-MiniLM-L6-v2";
    private static final int DEFAULT_MAX_LENGTH = 128;

    private ClassificationRun() {}

    static RunSummary run(RecipeRunner runner, ModelLoader loader, PrintStream console, Recipe r, Path folder,
            String source, String name, Path data, Path testData, Path runDir, RecipeRunner.Overrides overrides)
            throws IOException {
        Method.Classification method = (Method.Classification) r.method();
        String modelName;
        Path dir;
        if (r.model().path().equalsIgnoreCase(MINILM)) {
            modelName = MINILM;
            dir = MiniLm.ensureImported(loader.cache().root().resolve("models"));
        } else {
            var spec = RecipeRunner.modelSpec(r.model(), folder, source);
            modelName = RecipeRunner.baseModelName(spec);
            dir = loader.resolve(spec);
        }
        boolean decoder = ModelConfig.read(dir).family().isDecoder();
        LoadedModel loaded = decoder ? ModelLoader.loadFolder(dir) : null;
        try (Tokenizer tokenizer = Tokenizer.load(dir)) {
            Encoder encoder;
            if (decoder) {
                encoder = DecoderEncoder.of(loaded.model());
            } else {
                try (BertModel base = BertModel.load(dir)) {
                    encoder = BertEncoder.of(base);
                }
            }
            if (method.encoder().equals("lora")) {
                // PEFT's usual targets: the query and value projections, as each family names them.
                TargetModules targets = !method.targetModules().isEmpty()
                        ? TargetModules.of(method.targetModules().toArray(String[]::new))
                        : decoder ? TargetModules.of("q_proj", "v_proj") : TargetModules.of("query", "value");
                LoraConfig lora = LoraConfig.of(method.r(), method.alpha(), targets).withBaseModel(modelName);
                try {
                    encoder = encoder.withLora(lora, r.training().seed());
                } catch (IllegalArgumentException e) {
                    throw new RecipeException(source + ": method.target_modules: " + e.getMessage(), e);
                }
            }
            Pooling wanted = method.pooling().equals("last") ? Pooling.LAST_TOKEN : method.pooling().equals("mean")
                    ? Pooling.MEAN : null;
            if (wanted != encoder.pooling()) {
                throw new RecipeException(source + ": method.pooling '" + method.pooling() + "' is not available for this"
                        + " encoder, which pools with " + encoder.pooling().name().toLowerCase(Locale.ROOT)
                        + " (BERT encoders: mean; decoders: last)");
            }

            Splits splits = runner.prepare(r, data, testData, tokenizer, runDir);
            TreeSet<String> all = new TreeSet<>();
            for (int i = 0; i < 3; i++) {
                for (Example e : splits.get(i)) {
                    if (e.label() == null) {
                        throw new RecipeException(source + ": classification needs a label on every record; "
                                + e.origin() + " has none (map the label column, e.g. data.columns: {category: label})");
                    }
                    all.add(e.label());
                }
            }
            LabelMap labels = LabelMap.fromData(all);
            int maxLength = r.tokenization().maxLength() > 0 ? r.tokenization().maxLength() : DEFAULT_MAX_LENGTH;
            List<ClassificationExample> train = examples(tokenizer, labels, splits.train(), maxLength);
            List<ClassificationExample> validation = examples(tokenizer, labels, splits.validation(), maxLength);
            List<ClassificationExample> test = examples(tokenizer, labels, splits.test(), maxLength);
            if (validation.isEmpty()) {
                throw new RecipeException(source + ": the validation split is empty; give split.validation a share");
            }
            int pad = tokenizer.pad().or(tokenizer::eos).map(t -> t.id()).orElse(0);
            SequenceClassifier classifier = SequenceClassifier.create(encoder, labels,
                    decoder ? 0f : SequenceClassifier.BERT_DROPOUT, r.training().seed());
            TrainingMode mode = switch (method.encoder()) {
                case "full" -> new TrainingMode.Full();
                case "lora" -> new TrainingMode.Lora();
                default -> new TrainingMode.HeadOnly();
            };
            console.printf(Locale.ROOT, "classification: %d labels, %s encoder %s, max_length %d; %d / %d / %d texts%n",
                    labels.size(), method.encoder(), modelName, maxLength, train.size(), validation.size(), test.size());
            ClassificationTask task = new ClassificationTask(classifier, mode, train, validation, pad);
            TrainerConfig.Builder cb = runner.trainerConfig(r.training(), runDir, pad).bucketByLength(true);
            if (r.training().earlyStopping() != null) {
                cb.metric(TrainerConfig.Metric.of(r.training().earlyStopping().metric()));
            }
            Trainer trainer = new Trainer(task, cb.build());
            long count = task.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum();

            RunSummary.Figures valBefore;
            RunSummary.Figures testBefore;
            if (overrides.resume()) {
                RunSummary.Figures[] baseline = RecipeRunner.readBaseline(runDir);
                valBefore = baseline[0];
                testBefore = baseline[1];
                if (!trainer.resume()) {
                    throw new RecipeException("--resume: " + runDir + " has no complete checkpoint (set"
                            + " training.save_steps so that runs write them)");
                }
                console.println("resumed " + runDir + " at step " + trainer.step());
            } else {
                valBefore = figures(trainer.evaluate());
                testBefore = score(classifier, test, labels, r.training().batchSize(), pad);
                RecipeRunner.writeJson(runDir.resolve(RecipeRunner.BASELINE_FILE), Map.of("validation", valBefore,
                        "test", testBefore == null ? Map.of() : testBefore));
            }
            console.printf(Locale.ROOT, "untrained head: validation accuracy %.4f, macro-F1 %.4f%n", valBefore.accuracy(),
                    valBefore.macroF1());
            long start = System.nanoTime();
            Trainer.Result result = trainer.train();
            double seconds = (System.nanoTime() - start) / 1e9;
            RunSummary.Figures valAfter = figures(trainer.evaluate());
            RunSummary.Figures testAfter = score(classifier, test, labels, r.training().batchSize(), pad);
            console.printf(Locale.ROOT, "trained: validation accuracy %.4f, macro-F1 %.4f%s%n", valAfter.accuracy(),
                    valAfter.macroF1(), testAfter == null ? "" : String.format(Locale.ROOT,
                            "; test accuracy %.4f, macro-F1 %.4f", testAfter.accuracy(), testAfter.macroF1()));
            Path out = runDir.resolve("classifier");
            if (mode instanceof TrainingMode.Lora) {
                LoraClassifiers.save(classifier, out);
            } else {
                ClassifierFiles.save(classifier, out, !(mode instanceof TrainingMode.HeadOnly));
            }
            double tps = result.steps().stream().mapToDouble(Trainer.StepMetrics::tokensPerSecond).average().orElse(0);
            Map<String, Integer> records = new LinkedHashMap<>();
            Map<String, Integer> sequences = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                records.put(Splits.NAMES.get(i), splits.get(i).size());
            }
            sequences.put("train", train.size());
            sequences.put("validation", validation.size());
            sequences.put("test", test.size());
            RunSummary summary = new RunSummary(source, name, runDir.toString(), modelName, "classification", count,
                    records, sequences, valBefore, valAfter, testBefore, testAfter, result.finalStep(),
                    result.stoppedEarly(), result.bestStep(), seconds, tps, out.toString(), overridesMap(overrides));
            RecipeRunner.writeJson(runDir.resolve(RecipeRunner.SUMMARY_FILE), summary);
            console.println("wrote " + out + ", " + runDir.resolve("metrics.jsonl") + " and "
                    + runDir.resolve(RecipeRunner.SUMMARY_FILE));
            return summary;
        } finally {
            if (loaded != null) {
                loaded.close();
            }
        }
    }

    private static Map<String, Object> overridesMap(RecipeRunner.Overrides o) {
        return o.asMap();
    }

    /** The text a record is classified by: the text, the instruction (and input), the prompt, the first user turn. */
    static String text(Example e) {
        return switch (e) {
            case TextExample t -> t.text();
            case AlpacaExample a -> a.input().isBlank() ? a.instruction() : a.instruction() + "\n\n" + a.input();
            case PromptCompletionExample p -> p.prompt();
            case ChatExample c -> c.messages().stream().filter(m -> m.role().equals("user")).findFirst()
                    .map(ChatExample.Message::content).orElse(e.joinedText());
        };
    }

    private static List<ClassificationExample> examples(Tokenizer tokenizer, LabelMap labels, List<Example> records,
            int maxLength) {
        return TextClassifier.examples(tokenizer, labels, records.stream().map(ClassificationRun::text).toList(),
                records.stream().map(Example::label).toList(), maxLength);
    }

    private static RunSummary.Figures figures(Trainer.Evaluation e) {
        return new RunSummary.Figures(e.loss(), e.perplexity(), e.accuracy(), e.macroF1());
    }

    /** Loss, accuracy and macro-F1 of the classifier as it is now on {@code examples}; null when there are none. */
    private static RunSummary.Figures score(SequenceClassifier classifier, List<ClassificationExample> examples,
            LabelMap labels, int batchSize, int pad) {
        if (examples.isEmpty()) {
            return null;
        }
        classifier.train(false);
        List<int[]> ids = examples.stream().map(ClassificationExample::inputIds).toList();
        float[][] p = classifier.probabilities(ids, batchSize, pad);
        List<String> truth = new ArrayList<>(p.length);
        List<String> predicted = new ArrayList<>(p.length);
        double loss = 0;
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int k = 1; k < p[i].length; k++) {
                best = p[i][k] > p[i][best] ? k : best;
            }
            int label = examples.get(i).label();
            loss -= Math.log(Math.max(p[i][label], 1e-30));
            truth.add(labels.label(label));
            predicted.add(labels.label(best));
        }
        loss /= p.length;
        return new RunSummary.Figures(loss, Math.exp(loss), ClassificationMetrics.accuracy(truth, predicted),
                ClassificationMetrics.f1(truth, predicted, Average.MACRO));
    }
}
