package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A BERT classifier with a LoRA encoder: it learns, only the adapter and head change, it resumes exactly, and saves as PEFT SEQ_CLS. */
class LoraClassifierTest {
    static final LoraConfig LORA = LoraConfig.of(4, 8, TargetModules.of("query", "value")).withDropout(0.1);

    @TempDir
    Path tmp;

    static ClassificationTask task(long seed) {
        BertEncoder encoder = TinyEncoders.bert().withLora(LORA, seed);
        return new ClassificationTask(SequenceClassifier.create(encoder, ToyData.LABELS, 0.1f, 9),
                new TrainingMode.Lora(), ClassificationTrainingTest.TRAIN, ClassificationTrainingTest.VALIDATION,
                ToyData.PAD);
    }

    TrainerConfig.Builder config(String dir) {
        return TrainerConfig.builder(tmp.resolve(dir)).batchSize(8).lr(2e-2).warmupSteps(2).seed(3).padId(ToyData.PAD);
    }

    static Map<String, float[]> snapshot(Map<String, Tensor> tensors) {
        Map<String, float[]> out = new LinkedHashMap<>();
        tensors.forEach((n, t) -> out.put(n, t.toFloatArray()));
        return out;
    }

    @Test
    void aLoraEncoderAndTheHeadLearnTheToyTaskWhileTheBaseWeightsStayPut() throws IOException {
        ClassificationTask task = task(1);
        BertEncoder encoder = (BertEncoder) task.classifier().encoder();
        Map<String, float[]> base = snapshot(encoder.parameters());
        assertThat(task.usesCachedFeatures()).isFalse();
        assertThat(task.trainableParameters().keySet()).allMatch(n -> n.contains(".lora_") || n.startsWith("classifier."))
                .contains("base_model.model.bert.encoder.layer.0.attention.self.query.lora_A.default.weight");
        Trainer.Result r = new Trainer(task, config("lora").maxSteps(40).evalSteps(40).build()).train();
        double[] loss = r.steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
        assertThat(loss[loss.length - 1]).isLessThan(loss[0] / 2);
        // Chance is 1/3; rank-4 adapters on query/value of a random 16-wide BERT reach 25 of 30 here.
        assertThat(r.evaluations().getLast().accuracy()).isGreaterThanOrEqualTo(0.8);
        snapshot(encoder.parameters()).forEach((n, v) -> assertThat(v).as(n).containsExactly(base.get(n)));
    }

    @Test
    void resumingALoraClassifierWithDropoutGivesTheUninterruptedRunBitForBit() throws IOException {
        java.util.function.Function<String, TrainerConfig> settings = dir -> config(dir).maxSteps(6).saveSteps(3).build();
        double[] whole = new Trainer(task(1), settings.apply("a")).train().steps().stream()
                .mapToDouble(Trainer.StepMetrics::loss).toArray();
        Trainer resumed = new Trainer(task(1), settings.apply("b"));
        resumed.resume(tmp.resolve("a/checkpoint-3"));
        double[] rest = resumed.train().steps().stream().mapToDouble(Trainer.StepMetrics::loss).toArray();
        assertThat(rest).containsExactly(java.util.Arrays.copyOfRange(whole, 3, 6));
    }

    @Test
    void theAdapterSavesAsAPeftSequenceClassificationFolderAndLoadsBack() throws IOException {
        ClassificationTask task = task(2);
        new Trainer(task, config("run").maxSteps(5).build()).train();
        SequenceClassifier trained = task.classifier();
        Path dir = tmp.resolve("adapter");
        LoraClassifiers.save(trained, dir);

        JsonNode config = new ObjectMapper().readTree(dir.resolve("adapter_config.json").toFile());
        assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(config.get("task_type").asText()).isEqualTo("SEQ_CLS");
        assertThat(config.get("modules_to_save").toString()).isEqualTo("[\"classifier\",\"score\"]");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(f.names()).contains("base_model.model.classifier.weight", "base_model.model.classifier.bias",
                    "base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight")
                    .noneMatch(n -> n.contains("default") || n.contains("modules_to_save"));
        }

        SequenceClassifier loaded = LoraClassifiers.load(dir, TinyEncoders.bert(), 0);
        List<int[]> inputs = SequenceClassifier.Padded.idsOf(ClassificationTrainingTest.VALIDATION);
        float[][] expected = trained.probabilities(inputs, 8, ToyData.PAD);
        float[][] actual = loaded.probabilities(inputs, 8, ToyData.PAD);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i]);
        }
    }
}
