package dev.lathe.cli.quickstart;

import dev.lathe.tune.classify.ClassificationExample;
import dev.lathe.tune.classify.ClassificationTask;
import dev.lathe.tune.classify.ClassifierFiles;
import dev.lathe.tune.classify.LabelMap;
import dev.lathe.tune.classify.SequenceClassifier;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.classify.TrainingMode;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Step 3a: the intent classifier, transfer learning in its classic form: all-MiniLM-L6-v2 frozen, its
 * mean-pooled features computed once per message, and a new linear head over the intents trained on them
 * (early stopping and keep-best on validation macro-F1). The head is saved as a transformers
 * {@code BertForSequenceClassification}-style folder {@code classifier/} that loads onto the same encoder.
 */
final class IntentClassifierTraining {

    /** The trained classifier, ready to predict, and how training went. */
    record Trained(TextClassifier classifier, LabelMap labels, Path dir, long steps, boolean stoppedEarly,
            double validationAccuracy, double validationMacroF1, double featureSeconds, double trainSeconds) {}

    private IntentClassifierTraining() {}

    static Trained run(ModelSelection.Selected models, DataPreparation.PreparedData data, QuickstartSettings settings,
            Path runDir, StepConsole console) throws IOException {
        var tokenizer = models.encoderTokenizer();
        int pad = tokenizer.pad().map(p -> p.id()).orElse(0);
        List<AlpacaExample> train = data.train();
        List<AlpacaExample> validation = data.validation();
        LabelMap labels = LabelMap.fromData(train.stream().map(AlpacaExample::label).toList());
        List<ClassificationExample> trainExamples = examples(tokenizer, labels, train, settings);
        List<ClassificationExample> validationExamples = examples(tokenizer, labels, validation, settings);
        SequenceClassifier classifier = SequenceClassifier.create(models.encoder(), labels,
                SequenceClassifier.BERT_DROPOUT, QuickstartSettings.SEED);

        console.println("computing MiniLM features of " + (train.size() + validation.size())
                + " messages once (the encoder is frozen) ...");
        long t0 = System.nanoTime();
        ClassificationTask task = new ClassificationTask(classifier, new TrainingMode.HeadOnly(), trainExamples,
                validationExamples, pad);
        double featureSeconds = (System.nanoTime() - t0) / 1e9;
        int batch = 32;
        long stepsPerEpoch = (trainExamples.size() + batch - 1) / batch;
        TrainerConfig config = TrainerConfig.builder(runDir.resolve("classifier-training")).epochs(settings.classifierEpochs())
                .batchSize(batch).lr(settings.classifierLr()).warmupSteps(0)
                .schedule(TrainerConfig.ScheduleKind.LINEAR).maxGradNorm(1.0).seed(QuickstartSettings.SEED).padId(pad)
                .evalSteps(stepsPerEpoch * 2).metric(TrainerConfig.Metric.MACRO_F1).earlyStopping(5, 0.001)
                .keepBest(true).bucketByLength(true).console(console.out()).build();
        Trainer trainer = new Trainer(task, config);
        long t1 = System.nanoTime();
        Trainer.Result result = trainer.train();
        double trainSeconds = (System.nanoTime() - t1) / 1e9;
        Trainer.Evaluation e = trainer.evaluate();
        classifier.train(false);
        Path dir = runDir.resolve("classifier");
        ClassifierFiles.save(classifier, dir, false);
        console.summary("Intent classifier: a linear head (%,d parameters) on frozen all-MiniLM-L6-v2 over %d intents,"
                        + " trained on %,d messages (features computed once in %.1f s) for %,d steps in %.1f s%s;"
                        + " validation accuracy %.3f, macro-F1 %.3f. Saved to %s.",
                classifier.headParameters().values().stream().mapToLong(t -> t.numel()).sum(), labels.size(),
                trainExamples.size(), featureSeconds, result.finalStep(), trainSeconds,
                result.stoppedEarly() ? " (stopped early; best at step " + result.bestStep() + ")" : "",
                e.accuracy(), e.macroF1(), dir);
        TextClassifier text = new TextClassifier(classifier, tokenizer, settings.classifierMaxLength(), pad);
        return new Trained(text, labels, dir, result.finalStep(), result.stoppedEarly(), e.accuracy(), e.macroF1(),
                featureSeconds, trainSeconds);
    }

    private static List<ClassificationExample> examples(dev.lathe.models.tokenizer.Tokenizer tokenizer, LabelMap labels,
            List<AlpacaExample> rows, QuickstartSettings settings) {
        return TextClassifier.examples(tokenizer, labels, rows.stream().map(AlpacaExample::instruction).toList(),
                rows.stream().map(AlpacaExample::label).toList(), settings.classifierMaxLength());
    }
}
