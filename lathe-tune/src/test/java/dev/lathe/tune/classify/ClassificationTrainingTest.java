package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training classifiers with the {@link Trainer} on a separable toy task: each mode learns it and trains only
 * what it should, cached features equal running the frozen encoder, resumption is exact, early stopping
 * follows accuracy.
 */
class ClassificationTrainingTest {
    static final List<ClassificationExample> TRAIN = ToyData.examples(48, 1);
    static final List<ClassificationExample> VALIDATION = ToyData.examples(30, 2);

    @TempDir
    Path tmp;

    TrainerConfig.Builder config(String dir) {
        return TrainerConfig.builder(tmp.resolve(dir)).batchSize(8).lr(1e-2).warmupSteps(2).seed(3)
                .schedule(TrainerConfig.ScheduleKind.LINEAR).padId(ToyData.PAD);
    }

    static ClassificationTask task(Encoder encoder, TrainingMode mode, float dropout) {
        return new ClassificationTask(SequenceClassifier.create(encoder, ToyData.LABELS, dropout, 9), mode, TRAIN,
                VALIDATION, ToyData.PAD);
    }

    static Map<String, float[]> snapshot(Map<String, dev.lathe.engine.tensor.Tensor> tensors) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((n, t) -> out.put(n, t.toFloatArray()));
        return out;
    }

    static double[] losses(Trainer.Result r) {
        return r.steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
    }

    @Test
    void fullFineTuningOfATinyBertLearnsTheToyTaskToHighAccuracy() throws IOException {
        ClassificationTask task = task(TinyEncoders.bert(), new TrainingMode.Full(), 0.1f);
        Trainer trainer = new Trainer(task, config("full").maxSteps(30).evalSteps(10).build());
        double before = trainer.evaluate().accuracy();
        Trainer.Result r = trainer.train();
        Trainer.Evaluation last = r.evaluations().getLast();
        assertThat(last.accuracy()).as("accuracy before training was %s", before).isGreaterThanOrEqualTo(0.9);
        assertThat(last.macroF1()).isGreaterThanOrEqualTo(0.9);
        assertThat(Files.readString(tmp.resolve("full/metrics.jsonl"))).contains("\"accuracy\"", "\"macro_f1\"");
    }

    @Test
    void aFrozenEncoderTrainsOnlyTheHeadFromFeaturesComputedOnce() throws IOException {
        BertEncoder encoder = TinyEncoders.bert();
        Map<String, float[]> encoderBefore = snapshot(encoder.parameters());
        ClassificationTask task = task(encoder, new TrainingMode.HeadOnly(), 0.1f);
        assertThat(task.usesCachedFeatures()).isTrue();
        assertThat(task.trainableParameters()).containsOnlyKeys("classifier.weight", "classifier.bias");
        Trainer.Result r = new Trainer(task, config("head").lr(1e-1).maxSteps(300).evalSteps(300).build()).train();
        // The features of a random 16-wide BERT are not linearly separable for this task (full fine-tuning
        // reaches 0.9+); a linear head on them gets about 0.87, against 1/3 by chance.
        assertThat(r.evaluations().getLast().accuracy()).isGreaterThanOrEqualTo(0.8);
        assertThat(snapshot(encoder.parameters())).allSatisfy((n, v) -> assertThat(v).containsExactly(encoderBefore.get(n)));
    }

    @Test
    void cachedFeaturesGiveTheLossesOfRunningTheFrozenEncoderEveryStep() throws IOException {
        ClassificationTask cached = task(TinyEncoders.bert(), new TrainingMode.HeadOnly(), 0.1f);
        ClassificationTask uncached = new ClassificationTask(SequenceClassifier.create(TinyEncoders.bert(),
                ToyData.LABELS, 0.1f, 9), new TrainingMode.HeadOnly(), TRAIN, VALIDATION, ToyData.PAD, false);
        assertThat(uncached.usesCachedFeatures()).isFalse();
        double[] a = losses(new Trainer(cached, config("a").maxSteps(8).build()).train());
        double[] b = losses(new Trainer(uncached, config("b").maxSteps(8).build()).train());
        assertThat(a).hasSize(8);
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("step %d", i + 1).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void bitFitTrainsOnlyTheEncoderBiasesAndTheHead() throws IOException {
        BertEncoder encoder = TinyEncoders.bert();
        Map<String, float[]> before = snapshot(encoder.parameters());
        ClassificationTask task = task(encoder, new TrainingMode.BitFit(), 0f);
        assertThat(task.trainableParameters().keySet()).allMatch(n -> n.endsWith(".bias") || n.startsWith("classifier."))
                .contains("bert.embeddings.LayerNorm.bias", "bert.encoder.layer.1.output.dense.bias");
        new Trainer(task, config("bitfit").maxSteps(5).build()).train();
        encoder.parameters().forEach((n, t) -> {
            if (n.endsWith(".bias")) {
                assertThat(t.toFloatArray()).as(n).isNotEqualTo(before.get(n));
            } else {
                assertThat(t.toFloatArray()).as(n).containsExactly(before.get(n));
            }
        });
    }

    @Test
    void freezePatternsKeepTheMatchingEncoderWeights() throws IOException {
        BertEncoder encoder = TinyEncoders.bert();
        Map<String, float[]> before = snapshot(encoder.parameters());
        ClassificationTask task = task(encoder, new TrainingMode.Freeze(List.of("embeddings\\.", "layer\\.0\\.")), 0f);
        new Trainer(task, config("freeze").maxSteps(3).build()).train();
        assertThat(encoder.parameters().get("bert.embeddings.word_embeddings.weight").toFloatArray())
                .containsExactly(before.get("bert.embeddings.word_embeddings.weight"));
        assertThat(encoder.parameters().get("bert.encoder.layer.0.output.dense.weight").toFloatArray())
                .containsExactly(before.get("bert.encoder.layer.0.output.dense.weight"));
        assertThat(encoder.parameters().get("bert.encoder.layer.1.output.dense.weight").toFloatArray())
                .isNotEqualTo(before.get("bert.encoder.layer.1.output.dense.weight"));
    }

    @Test
    void aTinyLlamaClassifierLearnsWithLastTokenPooling() throws IOException {
        ClassificationTask task = task(TinyEncoders.llama(), new TrainingMode.Full(), 0f);
        assertThat(task.trainableParameters()).containsKey("score.weight").doesNotContainKey("score.bias")
                .doesNotContainKey("lm_head.weight");
        Trainer.Result r = new Trainer(task, config("llama").lr(1e-2).maxSteps(36).evalSteps(36).build()).train();
        double[] l = losses(r);
        assertThat(l[l.length - 1]).isLessThan(l[0]);
        // Chance is 1/3; the last token is always the closing id 3, so the class must come through attention.
        assertThat(r.evaluations().getLast().accuracy()).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void resumingAClassifierWithDropoutAndBucketingGivesTheUninterruptedRunBitForBit() throws IOException {
        Supplier<ClassificationTask> fresh = () -> task(TinyEncoders.bert(), new TrainingMode.Full(), 0.1f);
        java.util.function.Function<String, TrainerConfig> settings = dir -> config(dir).maxSteps(8).gradAccumulation(2)
                .bucketByLength(true).evalSteps(2).metric(TrainerConfig.Metric.MACRO_F1).keepBest(true).saveSteps(3)
                .build();
        ClassificationTask a = fresh.get();
        Trainer.Result whole = new Trainer(a, settings.apply("a")).train();

        ClassificationTask b = fresh.get(); // fresh weights: the checkpoint must restore them
        Trainer resumed = new Trainer(b, settings.apply("b"));
        resumed.resume(tmp.resolve("a/checkpoint-3"));
        assertThat(resumed.step()).isEqualTo(3);
        Trainer.Result rest = resumed.train();
        assertThat(losses(rest)).containsExactly(java.util.Arrays.copyOfRange(losses(whole), 3, 8));
        assertThat(rest.bestLoss()).isEqualTo(whole.bestLoss());
        assertThat(rest.bestStep()).isEqualTo(whole.bestStep());
        Map<String, float[]> wa = snapshot(a.trainableParameters());
        snapshot(b.trainableParameters()).forEach((n, v) -> assertThat(v).as(n).containsExactly(wa.get(n)));
    }

    @Test
    void resumingAHeadOnTheCachedFeaturesOfAFrozenEncoderIsExactToo() throws IOException {
        java.util.function.Function<String, TrainerConfig> settings = dir -> config(dir).maxSteps(6).saveSteps(2)
                .bucketByLength(true).build();
        Trainer.Result whole = new Trainer(task(TinyEncoders.bert(), new TrainingMode.HeadOnly(), 0.1f),
                settings.apply("a")).train();
        Trainer resumed = new Trainer(task(TinyEncoders.bert(), new TrainingMode.HeadOnly(), 0.1f), settings.apply("b"));
        resumed.resume(tmp.resolve("a/checkpoint-2"));
        assertThat(losses(resumed.train())).containsExactly(java.util.Arrays.copyOfRange(losses(whole), 2, 6));
    }

    @Test
    void earlyStoppingOnAccuracyTreatsHigherAsBetter() throws IOException {
        ClassificationTask task = task(TinyEncoders.bert(), new TrainingMode.HeadOnly(), 0f);
        Trainer.Result r = new Trainer(task, config("early").lr(5e-2).maxSteps(200).evalSteps(5)
                .metric(TrainerConfig.Metric.ACCURACY).earlyStopping(3, 0.0).keepBest(true).build()).train();
        double best = r.evaluations().stream().mapToDouble(Trainer.Evaluation::accuracy).max().orElseThrow();
        assertThat(r.bestLoss()).isEqualTo(best);
        assertThat(r.stoppedEarly()).isTrue();
        assertThat(r.evaluations().getFirst().improved()).isTrue();
        assertThat(r.evaluations().subList(r.evaluations().size() - 3, r.evaluations().size()))
                .noneMatch(Trainer.Evaluation::improved);
    }

    @Test
    void accuracyCannotDriveEarlyStoppingOfACausalLmAndLabelsMustFitTheHead() {
        assertThatThrownBy(() -> new ClassificationTask(SequenceClassifier.create(TinyEncoders.bert(),
                ToyData.LABELS, 0f, 1), new TrainingMode.HeadOnly(),
                List.of(new ClassificationExample(new int[] {2, 5, 3}, 7)), List.of(), ToyData.PAD))
                .hasMessageContaining("training example 0 has label id 7 but the classifier has 3 labels");
        assertThatThrownBy(() -> TrainerConfig.Metric.of("f1")).hasMessageContaining("val_loss, accuracy or macro_f1");
    }
}
