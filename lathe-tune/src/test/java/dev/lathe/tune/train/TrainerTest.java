package dev.lathe.tune.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.Weights;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the tiny Llama: learning, exact resumption, determinism, early stopping, crash safety. */
class TrainerTest {
    /** Five examples of unequal lengths (so batches pad), two with a prompt that takes no loss. */
    static final List<TokenizedExample> DATA = List.of(
            TokenizedExample.ofText(1, 5, 9, 13, 40, 22, 2),
            TokenizedExample.ofPrompt(new int[] {1, 17, 2, 33, 8, 30, 11, 2}, 3),
            TokenizedExample.ofText(1, 44, 45, 46, 2),
            TokenizedExample.ofPrompt(new int[] {1, 7, 7, 7, 50, 51}, 2),
            TokenizedExample.ofText(1, 3, 6, 9, 12, 15, 18, 21, 2));
    static final List<TokenizedExample> VALIDATION = List.of(
            TokenizedExample.ofText(1, 5, 9, 13, 40, 22, 2),
            TokenizedExample.ofText(1, 44, 45, 46, 2));

    @TempDir
    Path tmp;

    record Loaded(DecoderModel model, Weights weights) implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    static Loaded tiny() {
        try {
            Path dir = Path.of(TrainerTest.class.getResource("/tiny-models/llama-gqa").toURI());
            Weights w = Weights.open(dir);
            return new Loaded(DecoderFamilies.load(dir, w), w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static TrainableModel full(DecoderModel base) {
        return TrainableModel.fullFineTuning(base, List.of());
    }

    static TrainableModel lora(DecoderModel base) {
        return TrainableModel.lora(LoraModel.create(base, "default",
                LoraConfig.of(4, 8, TargetModules.of("q_proj", "v_proj", "down_proj")), 7), "default");
    }

    static TrainableModel loraWithDropout(DecoderModel base) {
        return TrainableModel.lora(LoraModel.create(base, "default",
                LoraConfig.of(4, 8, TargetModules.of("q_proj", "v_proj", "down_proj")).withDropout(0.1), 7), "default");
    }

    TrainerConfig.Builder config(String dir) {
        return TrainerConfig.builder(tmp.resolve(dir)).batchSize(2).gradAccumulation(2).lr(1e-2)
                .warmupSteps(2).schedule(TrainerConfig.ScheduleKind.COSINE).maxGradNorm(0.5).seed(11);
    }

    static Map<String, float[]> weights(TrainableModel m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.trainableParameters().forEach((n, t) -> out.put(n, t.toFloatArray()));
        return out;
    }

    static double[] losses(Trainer.Result r) {
        return r.steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
    }

    @Test
    void lossDecreasesOnATinyRepeatedDataset() throws IOException {
        try (Loaded m = tiny()) {
            Trainer t = new Trainer(full(m.model()), DATA, List.of(), config("run").maxSteps(30)
                    .schedule(TrainerConfig.ScheduleKind.LINEAR).build());
            double[] l = losses(t.train());
            assertThat(l).hasSize(30);
            assertThat(l[29]).isLessThan(l[0] * 0.5);
            assertThat(Files.readAllLines(tmp.resolve("run/metrics.jsonl"))).hasSize(30)
                    .allSatisfy(line -> assertThat(line).contains("\"loss\"", "\"lr\"", "\"grad_norm\"",
                            "\"tokens_per_s\""));
        }
    }

    @Test
    void aLoraAdapterLearnsTooAndOnlyItsWeightsChange() throws IOException {
        try (Loaded m = tiny()) {
            float[] q0 = m.model().weights().layers().get(0).q().weight().toFloatArray();
            Trainer t = new Trainer(lora(m.model()), DATA, List.of(), config("lora").maxSteps(20).build());
            double[] l = losses(t.train());
            assertThat(l[19]).isLessThan(l[0]);
            assertThat(m.model().weights().layers().get(0).q().weight().toFloatArray()).containsExactly(q0);
        }
    }

    @Test
    void resumingFullFineTuningFromStep3GivesTheUninterruptedRunBitForBit() throws IOException {
        resumeIsExact(TrainerTest::full);
    }

    @Test
    void resumingLoraFromStep3GivesTheUninterruptedRunBitForBit() throws IOException {
        resumeIsExact(TrainerTest::lora);
    }

    @Test
    void resumingLoraWithDropoutFromStep3GivesTheUninterruptedRunBitForBit() throws IOException {
        resumeIsExact(TrainerTest::loraWithDropout);
    }

    @Test
    void loraDropoutChangesTheTrainingSoTheResumeTestExercisesIt() throws IOException {
        try (Loaded m = tiny()) {
            double[] plain = losses(new Trainer(lora(m.model()), DATA, List.of(), config("p").maxSteps(4).build()).train());
            double[] dropped = losses(new Trainer(loraWithDropout(m.model()), DATA, List.of(),
                    config("d").maxSteps(4).build()).train());
            // Step 1 runs at lr 0 (warmup) and B starts at zero, so the losses part from step 3 on.
            assertThat(dropped[3]).isNotEqualTo(plain[3]);
        }
    }

    private void resumeIsExact(Function<DecoderModel, TrainableModel> kind) throws IOException {
        try (Loaded m = tiny()) {
            TrainableModel a = kind.apply(m.model());
            Trainer whole = new Trainer(a, DATA, VALIDATION, config("a").maxSteps(6).saveSteps(3).evalSteps(2).build());
            Trainer.Result first = whole.train();
            double[] all = losses(first);
            assertThat(Checkpoints.list(tmp.resolve("a")).stream().map(p -> p.getFileName().toString()))
                    .containsExactly("checkpoint-3", "checkpoint-6");

            TrainableModel b = kind.apply(m.model()); // fresh weights: the checkpoint must restore them
            Trainer resumed = new Trainer(b, DATA, VALIDATION, config("b").maxSteps(6).saveSteps(3).evalSteps(2).build());
            resumed.resume(tmp.resolve("a/checkpoint-3"));
            assertThat(resumed.step()).isEqualTo(3);
            Trainer.Result rest = resumed.train();
            assertThat(rest.steps()).extracting(Trainer.StepMetrics::step).containsExactly(4L, 5L, 6L);
            assertThat(losses(rest)).containsExactly(java.util.Arrays.copyOfRange(all, 3, 6));
            assertThat(rest.steps()).extracting(Trainer.StepMetrics::lr).containsExactlyElementsOf(
                    first.steps().subList(3, 6).stream().map(Trainer.StepMetrics::lr).toList());
            Map<String, float[]> wa = weights(a);
            Map<String, float[]> wb = weights(b);
            assertThat(wb.keySet()).containsExactlyElementsOf(wa.keySet());
            wa.forEach((n, v) -> assertThat(wb.get(n)).as(n).containsExactly(v));
        }
    }

    @Test
    void theSameSeedAndDataGiveTheSameLossesAndAnotherSeedShufflesDifferently() throws IOException {
        try (Loaded m = tiny()) {
            double[] one = losses(new Trainer(lora(m.model()), DATA, List.of(), config("1").maxSteps(4).build()).train());
            double[] two = losses(new Trainer(lora(m.model()), DATA, List.of(), config("2").maxSteps(4).build()).train());
            double[] other = losses(new Trainer(lora(m.model()), DATA, List.of(),
                    config("3").maxSteps(4).seed(12345).build()).train());
            assertThat(two).containsExactly(one);
            assertThat(other).isNotEqualTo(one);
        }
    }

    @Test
    void earlyStoppingStopsAfterPatienceEvaluationsAndKeepBestRestoresTheBestWeights() throws IOException {
        try (Loaded m = tiny()) {
            // A min-delta no later evaluation can beat: only the first (step 1) counts as an improvement.
            TrainableModel model = full(m.model());
            Trainer t = new Trainer(model, DATA, VALIDATION, config("es").maxSteps(20).evalSteps(1)
                    .schedule(TrainerConfig.ScheduleKind.CONSTANT)
                    .earlyStopping(3, 1e9).keepBest(true).build());
            Trainer.Result r = t.train();
            assertThat(r.stoppedEarly()).isTrue();
            assertThat(r.finalStep()).isEqualTo(4);
            assertThat(r.evaluations()).extracting(Trainer.Evaluation::improved).containsExactly(true, false, false, false);
            assertThat(r.bestStep()).isEqualTo(1);
            assertThat(t.evaluate().loss()).isEqualTo(r.bestLoss());

            TrainableModel one = full(m.model());
            // CONSTANT after warmup: step 1's learning rate does not depend on the run's length.
            new Trainer(one, DATA, List.of(), config("one").maxSteps(1).schedule(TrainerConfig.ScheduleKind.CONSTANT)
                    .build()).train();
            Map<String, float[]> expected = weights(one);
            weights(model).forEach((n, v) -> assertThat(v).as(n).containsExactly(expected.get(n)));
        }
    }

    @Test
    void resumeIgnoresACheckpointLeftHalfWrittenByACrash() throws IOException {
        try (Loaded m = tiny()) {
            Path out = tmp.resolve("crash");
            new Trainer(lora(m.model()), DATA, List.of(), config("crash").maxSteps(3).saveSteps(3).build()).train();
            // A crash while writing checkpoint 6 leaves its temporary folder; one at 9 never got its state file.
            Path partial = Files.createDirectories(out.resolve(".checkpoint-6.tmp-999999999-1"));
            Files.writeString(partial.resolve(Trainer.OPTIMIZER_FILE), "truncated");
            Files.writeString(partial.resolve(Trainer.STATE_FILE), "{\"step\": 6");
            Files.createDirectories(out.resolve("checkpoint-9/adapter"));
            assertThat(Checkpoints.latest(out)).contains(out.resolve("checkpoint-3"));

            Trainer resumed = new Trainer(lora(m.model()), DATA, List.of(), config("crash").maxSteps(5).saveSteps(1)
                    .keepLast(2).build());
            assertThat(resumed.resume()).isTrue();
            assertThat(resumed.step()).isEqualTo(3);
            assertThat(resumed.train().steps()).extracting(Trainer.StepMetrics::step).containsExactly(4L, 5L);
            assertThat(Checkpoints.list(out).stream().map(p -> p.getFileName().toString()))
                    .containsExactly("checkpoint-4", "checkpoint-5");
            assertThat(out.resolve("checkpoint-5/adapter/adapter_model.safetensors")).isRegularFile();
            assertThat(out.resolve("checkpoint-5/" + Trainer.OPTIMIZER_FILE)).isRegularFile();
        }
    }

    @Test
    void aResumeWithNoCheckpointStartsFresh() throws IOException {
        try (Loaded m = tiny()) {
            assertThat(new Trainer(lora(m.model()), DATA, List.of(), config("none").maxSteps(1).build()).resume())
                    .isFalse();
        }
    }

    @Test
    void batchesPadToTheLongestRowMaskThePaddingAndShiftTheLabels() {
        Batch b = Batch.collate(List.of(TokenizedExample.ofPrompt(new int[] {1, 4, 5, 6}, 2),
                TokenizedExample.ofText(1, 9)), 0);
        assertThat(b.time()).isEqualTo(4);
        assertThat(b.ids()).containsExactly(1, 4, 5, 6, 1, 9, 0, 0);
        assertThat(b.mask()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
        assertThat(b.targets()).containsExactly(-100, 5, 6, -100, 9, -100, -100, -100);
        assertThat(b.targetTokens()).isEqualTo(3);
        Tensor mask = b.maskTensor();
        assertThat(mask.shape()).containsExactly(2, 4);
    }

    @Test
    void frozenParametersKeepTheirValuesAndTheProgressLinesReachTheConsole() throws IOException {
        try (Loaded m = tiny()) {
            FullFineTuning model = TrainableModel.fullFineTuning(m.model(), List.of("embed_tokens", "layers\\.1\\."));
            assertThat(model.trainableParameters()).doesNotContainKey("model.embed_tokens.weight")
                    .doesNotContainKey("model.layers.1.mlp.up_proj.weight").containsKey("lm_head.weight")
                    .containsKey("model.layers.0.self_attn.q_proj.weight");
            assertThat(model.parameters()).containsKey("model.embed_tokens.weight");
            float[] embed = model.parameters().get("model.embed_tokens.weight").toFloatArray();
            float[] up1 = model.parameters().get("model.layers.1.mlp.up_proj.weight").toFloatArray();
            float[] head = model.parameters().get("lm_head.weight").toFloatArray();
            var console = new java.io.ByteArrayOutputStream();
            new Trainer(model, DATA, VALIDATION, config("frozen").maxSteps(2).evalSteps(2)
                    .console(new java.io.PrintStream(console, true, java.nio.charset.StandardCharsets.UTF_8)).build())
                    .train();
            assertThat(model.parameters().get("model.embed_tokens.weight").toFloatArray()).containsExactly(embed);
            assertThat(model.parameters().get("model.layers.1.mlp.up_proj.weight").toFloatArray()).containsExactly(up1);
            assertThat(model.parameters().get("lm_head.weight").toFloatArray()).isNotEqualTo(head);
            assertThat(console.toString(java.nio.charset.StandardCharsets.UTF_8))
                    .contains("step 1/2", "step 2/2", "eval step 2  val loss");
        }
    }

    @Test
    void badSettingsAndDataAreRejectedWithClearMessages() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config("x").batchSize(0).build())
                .hasMessageContaining("batchSize must be >= 1, got 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> config("x").maxSteps(0).epochs(0).build())
                .hasMessageContaining("set maxSteps > 0 or epochs > 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TokenizedExample(new int[] {1, 2}, new int[] {1}))
                .hasMessageContaining("labels must have one entry per input id");
        try (Loaded m = tiny()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Trainer(lora(m.model()),
                    List.of(TokenizedExample.ofPrompt(new int[] {1, 2, 3}, 3)), List.of(), config("x").build()))
                    .hasMessageContaining("training example 0 has no label");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Trainer(lora(m.model()), DATA, List.of(),
                    config("x").evalSteps(1).build())).hasMessageContaining("validation set is empty");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainableModel.fullFineTuning(m.model(),
                    List.of("."))).hasMessageContaining("freeze every parameter");
        }
    }

    @Test
    void epochsSetTheRunLengthWhenMaxStepsIsZero() throws IOException {
        try (Loaded m = tiny()) {
            // 5 examples in batches of 2: 3 micro-batches per epoch; 2 epochs in steps of 2 micro-batches: 3 steps.
            Trainer t = new Trainer(lora(m.model()), DATA, List.of(), config("ep").epochs(2).build());
            assertThat(t.totalSteps()).isEqualTo(3);
            assertThat(t.train().steps()).extracting(Trainer.StepMetrics::epoch).containsExactly(0, 0, 1);
        }
    }

    @Test
    void theBestWeightsAndTheEarlyStoppingCountSurviveAResume() throws IOException {
        try (Loaded m = tiny()) {
            // Only step 1's evaluation improves; patience 3 stops at step 4 in both runs.
            TrainableModel a = lora(m.model());
            Trainer.Result whole = new Trainer(a, DATA, VALIDATION, config("ka").maxSteps(10).evalSteps(1)
                    .earlyStopping(3, 1e9).keepBest(true).saveSteps(2).build()).train();
            TrainableModel b = lora(m.model());
            Trainer resumed = new Trainer(b, DATA, VALIDATION, config("kb").maxSteps(10).evalSteps(1)
                    .earlyStopping(3, 1e9).keepBest(true).saveSteps(2).build());
            resumed.resume(tmp.resolve("ka/checkpoint-2"));
            Trainer.Result rest = resumed.train();
            assertThat(whole.finalStep()).isEqualTo(4);
            assertThat(rest.finalStep()).isEqualTo(4);
            assertThat(rest.stoppedEarly()).isTrue();
            assertThat(rest.bestStep()).isEqualTo(1);
            assertThat(rest.bestLoss()).isEqualTo(whole.bestLoss());
            Map<String, float[]> wa = weights(a);
            weights(b).forEach((n, v) -> assertThat(v).as(n).containsExactly(wa.get(n)));
        }
    }

    @Test
    void accumulatingTwoMicroBatchesOfOneEqualsOneBatchOfTwo() throws IOException {
        try (Loaded m = tiny()) {
            // The same examples in each of the first two steps (the shuffle is per example; a third would differ
            // at the epoch's end); padding and summation order differ, so the match is to rounding, not to the bit.
            TrainableModel a = full(m.model());
            double[] accumulated = losses(new Trainer(a, DATA, List.of(), config("acc").batchSize(1)
                    .gradAccumulation(2).maxSteps(2).build()).train());
            TrainableModel b = full(m.model());
            double[] batched = losses(new Trainer(b, DATA, List.of(), config("bat").batchSize(2)
                    .gradAccumulation(1).maxSteps(2).build()).train());
            for (int i = 0; i < 2; i++) {
                assertThat(accumulated[i]).isCloseTo(batched[i], org.assertj.core.api.Assertions.within(1e-4));
            }
            Map<String, float[]> wb = weights(b);
            weights(a).forEach((n, v) -> {
                for (int i = 0; i < v.length; i++) {
                    assertThat(v[i]).as(n).isCloseTo(wb.get(n)[i], org.assertj.core.api.Assertions.within(1e-4f));
                }
            });
        }
    }

    @Test
    void resumeSkipsACheckpointWhoseTrainerStateIsEmptyOrGarbled() throws IOException {
        try (Loaded m = tiny()) {
            Path out = tmp.resolve("garbled");
            new Trainer(lora(m.model()), DATA, List.of(), config("garbled").maxSteps(3).saveSteps(3).build()).train();
            // Checkpoints renamed into place whose state file a crash left empty, cut short, or missing fields.
            Path six = Files.createDirectories(out.resolve("checkpoint-6"));
            Files.writeString(six.resolve(Trainer.STATE_FILE), "");
            Path nine = Files.createDirectories(out.resolve("checkpoint-9"));
            Files.writeString(nine.resolve(Trainer.STATE_FILE), "{\"step\": 9, \"se");
            Path twelve = Files.createDirectories(out.resolve("checkpoint-12"));
            Files.writeString(twelve.resolve(Trainer.STATE_FILE), "{\"step\": 12}");
            assertThat(Checkpoints.latest(out)).contains(out.resolve("checkpoint-3"));

            Trainer resumed = new Trainer(lora(m.model()), DATA, List.of(), config("garbled").maxSteps(4).build());
            assertThat(resumed.resume()).isTrue();
            assertThat(resumed.step()).isEqualTo(3);
        }
    }

    @Test
    void aResumedRunLogsEachStepOnceInTheMetricsFile() throws IOException {
        try (Loaded m = tiny()) {
            // The first run logs steps 4 and 5 after its checkpoint at 3, then "crashes"; the resume repeats them.
            new Trainer(lora(m.model()), DATA, List.of(), config("log").maxSteps(5).saveSteps(3).build()).train();
            Trainer resumed = new Trainer(lora(m.model()), DATA, List.of(), config("log").maxSteps(5).build());
            resumed.resume(tmp.resolve("log/checkpoint-3"));
            resumed.train();
            assertThat(Files.readAllLines(tmp.resolve("log/metrics.jsonl")))
                    .extracting(line -> line.replaceAll("^\\{\"step\":(\\d+),.*$", "$1"))
                    .containsExactly("1", "2", "3", "4", "5");
        }
    }

    @Test
    void anEpochSizedRunSeesEachExampleOnceEvenWhenTheLastStepAccumulatesFewerMicroBatches() throws IOException {
        try (Loaded m = tiny()) {
            // 5 examples in batches of 1: 5 micro-batches; accumulation 2 gives 3 steps, the last of one micro-batch.
            Path out = tmp.resolve("once");
            Trainer t = new Trainer(lora(m.model()), DATA, List.of(), config("once").batchSize(1).gradAccumulation(2)
                    .epochs(1).saveSteps(3).build());
            assertThat(t.totalSteps()).isEqualTo(3);
            assertThat(t.train().steps()).extracting(Trainer.StepMetrics::epoch).containsExactly(0, 0, 0);
            String state = Files.readString(out.resolve("checkpoint-3/" + Trainer.STATE_FILE));
            assertThat(state).contains("\"micro_batches_consumed\" : 5", "\"epoch\" : 1",
                    "\"batch_in_epoch\" : 0");
        }
    }
}
