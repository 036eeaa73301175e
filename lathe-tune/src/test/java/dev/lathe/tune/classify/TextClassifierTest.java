package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.models.tokenizer.Tokenizer;
import dev.lathe.models.tokenizer.TokenizerConfig;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Texts in, labels and probabilities out, with a word-level tokenizer.json written here whose words map onto
 * the toy task's token ids (4-7 billing, 8-11 delivery, 12-15 refund) and which adds [CLS]/[SEP] as BERT's does.
 */
class TextClassifierTest {
    static final String[] WORDS = {"invoice", "charge", "fee", "bill", "parcel", "courier", "shipping", "arrive",
        "refund", "return", "money", "back"};

    @TempDir
    Path tmp;

    Tokenizer tokenizer() throws IOException {
        StringBuilder vocab = new StringBuilder("\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3");
        for (int i = 0; i < WORDS.length; i++) {
            vocab.append(",\"").append(WORDS[i]).append("\":").append(4 + i);
        }
        String special = "\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true";
        String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":["
                + "{\"id\":0,\"content\":\"[PAD]\"," + special + "},{\"id\":1,\"content\":\"[UNK]\"," + special + "},"
                + "{\"id\":2,\"content\":\"[CLS]\"," + special + "},{\"id\":3,\"content\":\"[SEP]\"," + special + "}],"
                + "\"normalizer\":{\"type\":\"Lowercase\"},\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"post_processor\":{\"type\":\"TemplateProcessing\","
                + "\"single\":[{\"SpecialToken\":{\"id\":\"[CLS]\",\"type_id\":0}},{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},"
                + "{\"SpecialToken\":{\"id\":\"[SEP]\",\"type_id\":0}}],"
                + "\"pair\":[{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"Sequence\":{\"id\":\"B\",\"type_id\":1}}],"
                + "\"special_tokens\":{\"[CLS]\":{\"id\":\"[CLS]\",\"ids\":[2],\"tokens\":[\"[CLS]\"]},"
                + "\"[SEP]\":{\"id\":\"[SEP]\",\"ids\":[3],\"tokens\":[\"[SEP]\"]}}},"
                + "\"decoder\":null,\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"[UNK]\"}}";
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, json);
        return Tokenizer.fromJson(file, TokenizerConfig.EMPTY);
    }

    @Test
    void encodingAddsTheSpecialTokensAndTruncationKeepsTheClosingOne() throws IOException {
        try (Tokenizer t = tokenizer()) {
            assertThat(TextClassifier.encode(t, "Parcel courier arrive", 16)).containsExactly(2, 8, 9, 11, 3);
            assertThat(TextClassifier.encode(t, "Parcel courier arrive", 3)).containsExactly(2, 8, 3);
            assertThat(TextClassifier.examples(t, ToyData.LABELS, List.of("refund money"), List.of("refund"), 8))
                    .containsExactly(new ClassificationExample(new int[] {2, 12, 14, 3}, 2));
        }
    }

    @Test
    void aTrainedClassifierPredictsLabelsWithProbabilitiesThatSumToOne() throws IOException {
        SequenceClassifier c = SequenceClassifier.create(TinyEncoders.bert(), ToyData.LABELS, 0.1f, 5);
        new Trainer(new ClassificationTask(c, new TrainingMode.Full(), ClassificationTrainingTest.TRAIN, List.of(),
                ToyData.PAD), TrainerConfig.builder(tmp.resolve("run")).batchSize(8).lr(1e-2).warmupSteps(2)
                .maxSteps(30).build()).train();
        try (Tokenizer t = tokenizer()) {
            TextClassifier texts = new TextClassifier(c, t, 16, ToyData.PAD);
            List<TextClassifier.Prediction> p = texts.predict(List.of("invoice fee bill", "parcel courier shipping",
                    "refund money back"));
            assertThat(p).extracting(TextClassifier.Prediction::label).containsExactly("billing", "delivery", "refund");
            for (TextClassifier.Prediction one : p) {
                float[] probs = one.probabilities();
                assertThat(probs).hasSize(3);
                double sum = 0;
                float max = 0;
                for (float v : probs) {
                    sum += v;
                    max = Math.max(max, v);
                }
                assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
                assertThat(one.confidence()).isEqualTo(max).isGreaterThan(0.5);
            }
        }
    }
}
