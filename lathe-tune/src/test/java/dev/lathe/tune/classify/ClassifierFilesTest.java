package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving a trained classifier as a transformers folder and loading it back gives the same predictions. */
class ClassifierFilesTest {
    @TempDir
    Path tmp;

    static List<int[]> inputs() {
        return SequenceClassifier.Padded.idsOf(ClassificationTrainingTest.VALIDATION);
    }

    SequenceClassifier trained(Encoder encoder, TrainingMode mode) throws IOException {
        SequenceClassifier c = SequenceClassifier.create(encoder, ToyData.LABELS, 0.1f, 5);
        new Trainer(new ClassificationTask(c, mode, ClassificationTrainingTest.TRAIN, List.of(), ToyData.PAD),
                TrainerConfig.builder(tmp.resolve("run")).batchSize(8).lr(1e-2).maxSteps(4).build()).train();
        return c;
    }

    @Test
    void aFullyFineTunedBertClassifierRoundTripsWithItsLabelsInConfigJson() throws IOException {
        SequenceClassifier c = trained(TinyEncoders.bert(), new TrainingMode.Full());
        Path dir = tmp.resolve("saved");
        ClassifierFiles.save(c, dir, true);

        JsonNode config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(config.get("architectures").get(0).asText()).isEqualTo("BertForSequenceClassification");
        assertThat(config.get("model_type").asText()).isEqualTo("bert");
        assertThat(config.get("id2label").get("1").asText()).isEqualTo("delivery");
        assertThat(config.get("label2id").get("refund").asInt()).isEqualTo(2);
        assertThat(config.get("problem_type").asText()).isEqualTo("single_label_classification");
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(f.names()).contains("classifier.weight", "classifier.bias",
                    "bert.encoder.layer.1.output.dense.weight", "bert.embeddings.word_embeddings.weight");
        }

        SequenceClassifier loaded = ClassifierFiles.load(dir, TinyEncoders.bert());
        assertThat(loaded.labels()).isEqualTo(ToyData.LABELS);
        assertThat(loaded.dropout()).isEqualTo(0.1f);
        float[][] expected = c.probabilities(inputs(), 8, ToyData.PAD);
        float[][] actual = loaded.probabilities(inputs(), 8, ToyData.PAD);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i]);
        }
    }

    @Test
    void aHeadOnlyFolderHoldsOnlyTheHeadAndLoadsOntoThePretrainedEncoder() throws IOException {
        SequenceClassifier c = trained(TinyEncoders.llama(), new TrainingMode.HeadOnly());
        Path dir = tmp.resolve("head");
        ClassifierFiles.save(c, dir, false);
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(f.names()).containsExactly("score.weight");
        }
        SequenceClassifier loaded = ClassifierFiles.load(dir, TinyEncoders.llama());
        float[][] expected = c.probabilities(inputs(), 8, ToyData.PAD);
        float[][] actual = loaded.probabilities(inputs(), 8, ToyData.PAD);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).containsExactly(expected[i]);
            double sum = 0;
            for (float p : actual[i]) {
                sum += p;
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThatThrownBy(() -> ClassifierFiles.load(dir, TinyEncoders.bert()))
                .hasMessageContaining("LlamaForSequenceClassification");
    }
}
