package dev.lathe.tune.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.tune.data.read.DatasetReader;
import dev.lathe.tune.data.read.RawRow;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Banking77 quality run (a tool, not a CI test): all-MiniLM-L6-v2 imported from its Maven artifact,
 * a classifier trained on the 10,003 training texts, scored on the 3,080 test texts (accuracy, macro-F1).
 * The test set is only scored once at the end (no early stopping or keep-best on it).
 *
 * <pre>
 * java ... dev.lathe.tune.classify.Banking77Run DATA_DIR CACHE_DIR OUT_DIR MODE EPOCHS LR BATCH [MAX_STEPS [HEAD_DIR]]
 *   MODE: frozen (head only, cached features) | full | bitfit
 *   MAX_STEPS: stop after this many steps (0: the epochs decide), for runs the CPU budget cuts short
 *   HEAD_DIR: start from the head saved by an earlier (frozen) run instead of a random one: linear probing
 *             then fine-tuning (LP-FT, Kumar et al. 2022, https://arxiv.org/abs/2202.10054)
 * </pre>
 */
public final class Banking77Run {
    private static final int MAX_LENGTH = 64;

    private Banking77Run() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 7 || args.length > 9) {
            throw new IllegalArgumentException("usage: Banking77Run DATA_DIR CACHE_DIR OUT_DIR frozen|full|bitfit EPOCHS"
                    + " LR BATCH [MAX_STEPS [HEAD_DIR]]");
        }
        long maxSteps = args.length > 7 ? Long.parseLong(args[7]) : 0;
        Path headDir = args.length > 8 ? Path.of(args[8]) : null;
        Path data = Path.of(args[0]);
        Path cache = Path.of(args[1]);
        Path out = Path.of(args[2]);
        String mode = args[3];
        int epochs = Integer.parseInt(args[4]);
        double lr = Double.parseDouble(args[5]);
        int batch = Integer.parseInt(args[6]);
        long start = System.nanoTime();

        Path modelDir = MiniLm.ensureImported(cache);
        Tokenizer tokenizer = Tokenizer.load(modelDir);
        List<String[]> train = rows(data.resolve("train.csv"));
        List<String[]> test = rows(data.resolve("test.csv"));
        LabelMap labels = LabelMap.fromData(train.stream().map(r -> r[1]).toList());
        List<ClassificationExample> trainExamples = TextClassifier.examples(tokenizer, labels,
                train.stream().map(r -> r[0]).toList(), train.stream().map(r -> r[1]).toList(), MAX_LENGTH);
        List<ClassificationExample> testExamples = TextClassifier.examples(tokenizer, labels,
                test.stream().map(r -> r[0]).toList(), test.stream().map(r -> r[1]).toList(), MAX_LENGTH);
        int pad = tokenizer.pad().map(p -> p.id()).orElse(0);

        BertEncoder encoder;
        try (BertModel base = BertModel.load(modelDir)) {
            encoder = BertEncoder.of(base);
        }
        TrainingMode trainingMode = switch (mode) {
            case "frozen" -> new TrainingMode.HeadOnly();
            case "full" -> new TrainingMode.Full();
            case "bitfit" -> new TrainingMode.BitFit();
            default -> throw new IllegalArgumentException("mode must be frozen, full or bitfit, got " + mode);
        };
        SequenceClassifier classifier = headDir == null
                ? SequenceClassifier.create(encoder, labels, SequenceClassifier.BERT_DROPOUT, 42)
                : ClassifierFiles.load(headDir, encoder);
        if (!classifier.labels().equals(labels)) {
            throw new IllegalArgumentException(headDir + ": its labels differ from the training data's");
        }
        long prepStart = System.nanoTime();
        ClassificationTask task = new ClassificationTask(classifier, trainingMode, trainExamples, testExamples, pad);
        double prepSeconds = (System.nanoTime() - prepStart) / 1e9;
        TrainerConfig config = TrainerConfig.builder(out.resolve("run")).epochs(epochs).maxSteps(maxSteps)
                .batchSize(batch).lr(lr)
                .warmupSteps(0).schedule(TrainerConfig.ScheduleKind.LINEAR).maxGradNorm(1.0).seed(42).padId(pad)
                .bucketByLength(true).console(System.out).build();
        Trainer trainer = new Trainer(task, config);
        long trainStart = System.nanoTime();
        trainer.train();
        double trainSeconds = (System.nanoTime() - trainStart) / 1e9;
        Trainer.Evaluation e = trainer.evaluate();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", "all-MiniLM-L6-v2");
        result.put("mode", mode);
        result.put("epochs", epochs);
        result.put("lr", lr);
        result.put("batch_size", batch);
        result.put("max_steps", maxSteps);
        result.put("initial_head", headDir == null ? null : headDir.toString());
        result.put("steps", trainer.step());
        result.put("train_examples", trainExamples.size());
        result.put("test_examples", testExamples.size());
        result.put("test_accuracy", e.accuracy());
        result.put("test_macro_f1", e.macroF1());
        result.put("test_loss", e.loss());
        result.put("feature_cache_seconds", task.usesCachedFeatures() ? prepSeconds : 0);
        result.put("train_seconds", trainSeconds);
        result.put("total_seconds", (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "Banking77 %s: test accuracy %.4f  macro-F1 %.4f  (%d steps, %.0f s training)%n",
                mode, e.accuracy(), e.macroF1(), trainer.step(), trainSeconds);
        TextClassifier texts = new TextClassifier(classifier, tokenizer, MAX_LENGTH, pad);
        for (TextClassifier.Prediction p : texts.predict(List.of("I still have not received my new card",
                "How do I top up with Apple Pay?"))) {
            System.out.printf(Locale.ROOT, "  -> %s (%.3f)%n", p.label(), p.confidence());
        }
        ClassifierFiles.save(classifier, out.resolve("classifier"), !mode.equals("frozen"));
        AtomicFile.write(out.resolve("result.json"), new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(result));
    }

    private static List<String[]> rows(Path csv) {
        List<String[]> out = new ArrayList<>();
        for (RawRow r : DatasetReader.readRows(csv)) {
            out.add(new String[] {String.valueOf(r.values().get("text")), String.valueOf(r.values().get("category"))});
        }
        return out;
    }
}
