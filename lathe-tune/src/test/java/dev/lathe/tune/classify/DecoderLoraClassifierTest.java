package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decoder (the tiny random Llama, last-token pooling) with a LoRA adapter under a {@code score} head:
 * its gradients match finite differences, it learns the toy task while the base weights stay put, it
 * resumes exactly, and it saves as PEFT saves a {@code LlamaForSequenceClassification} SEQ_CLS adapter.
 */
class DecoderLoraClassifierTest {
    static final LoraConfig LORA = LoraConfig.of(4, 8, TargetModules.of("q_proj", "v_proj")).withDropout(0.1);

    @TempDir
    Path tmp;

    static ClassificationTask task(LoraConfig lora, long seed) {
        Encoder encoder = TinyEncoders.llama().withLora(lora, seed);
        return new ClassificationTask(SequenceClassifier.create(encoder, ToyData.LABELS, 0f, 9),
                new TrainingMode.Lora(), ClassificationTrainingTest.TRAIN, ClassificationTrainingTest.VALIDATION,
                ToyData.PAD);
    }

    TrainerConfig.Builder config(String dir) {
        return TrainerConfig.builder(tmp.resolve(dir)).batchSize(8).lr(2e-2).warmupSteps(2).seed(3).padId(ToyData.PAD);
    }

    static double[] losses(Trainer.Result r) {
        return r.steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
    }

    @Test
    void onlyTheAdapterAndTheScoreHeadTrainUnderPeftsInMemoryNames() {
        ClassificationTask task = task(LORA, 1);
        assertThat(task.usesCachedFeatures()).isFalse();
        assertThat(task.trainableParameters().keySet())
                .allMatch(n -> n.contains(".lora_") || n.equals("score.weight"))
                .contains("score.weight", "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight",
                        "base_model.model.model.layers.1.self_attn.v_proj.lora_B.default.weight")
                .noneMatch(n -> n.contains("k_proj") || n.contains("mlp"));
        assertThat(task.trainableParameters()).hasSize(1 + 2 * 2 * 2); // score + (A, B) x (q, v) x 2 layers
    }

    /**
     * The loss of a padded batch through the LoRA-adapted decoder, last-token pooling and the head, with
     * B initialised non-zero so that A's gradient is not trivially zero: each probed entry's autograd
     * gradient against the central difference of the loss, perturbing the adapter's own tensors in place.
     */
    @Test
    void loraGradientsThroughTheDecoderClassifierMatchFiniteDifferences() {
        ClassificationTask task = task(LORA.withDropout(0).withInitLoraWeights(false), 4);
        SequenceClassifier classifier = task.classifier();
        List<ClassificationExample> rows = ClassificationTrainingTest.TRAIN.subList(0, 4);
        SequenceClassifier.Padded p = SequenceClassifier.Padded.of(SequenceClassifier.Padded.idsOf(rows), ToyData.PAD);
        int[] labels = rows.stream().mapToInt(ClassificationExample::label).toArray();
        assertThat(p.mask()).as("the batch pads, so last-token pooling must skip padding").contains(0);
        Function<Boolean, Tensor> loss = grad -> {
            java.util.function.Supplier<Tensor> f = () -> Losses.crossEntropy(
                    classifier.logits(p.ids(), p.batch(), p.time(), p.mask()), labels);
            return grad ? f.get() : Autograd.noGrad(f::get);
        };
        Map<String, Tensor> trainable = task.trainableParameters();
        trainable.values().forEach(Tensor::zeroGrad);
        Autograd.backward(loss.apply(true));
        double eps = 1e-2;
        double worst = 0;
        int probed = 0;
        for (String name : List.of("score.weight", "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight",
                "base_model.model.model.layers.0.self_attn.q_proj.lora_B.default.weight",
                "base_model.model.model.layers.1.self_attn.v_proj.lora_A.default.weight",
                "base_model.model.model.layers.1.self_attn.v_proj.lora_B.default.weight")) {
            Tensor t = trainable.get(name);
            float[] analytic = t.grad().toFloatArray();
            int cols = t.dim(1);
            for (int k = 0; k < 6; k++) { // six entries spread over the tensor
                int flat = (int) ((long) k * (t.numel() - 1) / 5);
                int i = flat / cols;
                int j = flat % cols;
                float x = t.get(i, j);
                t.set((float) (x + eps), i, j);
                double up = loss.apply(false).item();
                t.set((float) (x - eps), i, j);
                double down = loss.apply(false).item();
                t.set(x, i, j);
                double numeric = (up - down) / (2 * eps);
                double diff = Math.abs(analytic[flat] - numeric);
                assertThat(diff).as("%s[%d,%d]: analytic %s, finite difference %s", name, i, j, analytic[flat], numeric)
                        .isLessThanOrEqualTo(2e-3 + 2e-2 * Math.max(Math.abs(analytic[flat]), Math.abs(numeric)));
                worst = Math.max(worst, diff);
                probed += Math.abs(analytic[flat]) > 1e-6 ? 1 : 0;
            }
        }
        assertThat(probed).as("most probed gradients are non-zero, so the check can fail").isGreaterThan(20);
        assertThat(worst).isLessThan(2e-3);
    }

    @Test
    void aLoraDecoderAndItsHeadLearnTheToyTaskWhileTheBaseWeightsStayPut() throws IOException {
        ClassificationTask task = task(LORA, 1);
        Encoder encoder = task.classifier().encoder();
        Map<String, float[]> base = ClassificationTrainingTest.snapshot(encoder.parameters());
        Trainer.Result r = new Trainer(task, config("lora").maxSteps(40).evalSteps(40).build()).train();
        double[] loss = losses(r);
        assertThat(loss[loss.length - 1]).isLessThan(loss[0] / 2);
        // Chance is 1/3; the last token is always the closing id 3, so the class must come through attention.
        assertThat(r.evaluations().getLast().accuracy()).isGreaterThanOrEqualTo(0.8);
        ClassificationTrainingTest.snapshot(encoder.parameters())
                .forEach((n, v) -> assertThat(v).as(n).containsExactly(base.get(n)));
    }

    @Test
    void resumingALoraDecoderClassifierWithDropoutGivesTheUninterruptedRunBitForBit() throws IOException {
        Function<String, TrainerConfig> settings = dir -> config(dir).maxSteps(6).saveSteps(2).keepLast(2)
                .bucketByLength(true).build();
        double[] whole = losses(new Trainer(task(LORA, 1), settings.apply("a")).train());
        assertThat(dev.lathe.tune.train.Checkpoints.list(tmp.resolve("a"))).as("keep-last 2 of steps 2, 4, 6")
                .containsExactly(tmp.resolve("a/checkpoint-4"), tmp.resolve("a/checkpoint-6"));
        Trainer resumed = new Trainer(task(LORA, 1), settings.apply("b"));
        assertThat(resumed.resume()).as("b has no checkpoint yet").isFalse();
        resumed.resume(tmp.resolve("a/checkpoint-4"));
        assertThat(losses(resumed.train())).containsExactly(Arrays.copyOfRange(whole, 4, 6));
    }

    @Test
    void theAdapterSavesAsAPeftLlamaSequenceClassificationFolderAndLoadsBack() throws IOException {
        ClassificationTask task = task(LORA, 2);
        new Trainer(task, config("run").maxSteps(5).build()).train();
        SequenceClassifier trained = task.classifier();
        Path dir = tmp.resolve("adapter");
        LoraClassifiers.save(trained, dir);

        JsonNode config = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(config.get("task_type").asText()).isEqualTo("SEQ_CLS");
        assertThat(config.get("modules_to_save").toString()).contains("\"score\"");
        JsonNode labels = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(labels.get("architectures").get(0).asText()).isEqualTo("LlamaForSequenceClassification");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(f.names()).contains("base_model.model.score.weight",
                    "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                    "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")
                    .hasSize(1 + 8)
                    .noneMatch(n -> n.contains("default") || n.contains("modules_to_save") || n.contains("lm_head"));
        }

        SequenceClassifier loaded = LoraClassifiers.load(dir, TinyEncoders.llama(), 0);
        List<int[]> inputs = SequenceClassifier.Padded.idsOf(ClassificationTrainingTest.VALIDATION);
        float[][] expected = trained.probabilities(inputs, 8, ToyData.PAD);
        float[][] actual = loaded.probabilities(inputs, 8, ToyData.PAD);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i]);
        }
        assertThatThrownBy(() -> LoraClassifiers.load(dir, TinyEncoders.bert(), 0))
                .hasMessageContaining("LlamaForSequenceClassification");
    }
}
