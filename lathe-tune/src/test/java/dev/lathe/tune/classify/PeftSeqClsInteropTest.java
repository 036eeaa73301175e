package dev.lathe.tune.classify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real Hugging Face PEFT (0.21, transformers 5.17) for a LoRA
 * {@code LlamaForSequenceClassification}: the adapter folder PEFT wrote ({@code tools/reference/peft_seq_cls.py},
 * resource {@code peft-seq-cls/llama-lora}) loads into Lathe and gives PEFT's logits on a right-padded batch,
 * and Lathe saving that classifier writes the same tensor names, values and SEQ_CLS config fields PEFT wrote;
 * the same round trip for a {@code BertForSequenceClassification} adapter ({@code peft-seq-cls/bert-lora}).
 */
class PeftSeqClsInteropTest {
    static final Path DIR = TinyEncoders.resource("peft-seq-cls/llama-lora");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void anAdapterWrittenByPeftLoadsAndGivesPeftsLogits() throws IOException {
        JsonNode expected = JSON.readTree(DIR.resolve("logits.json").toFile());
        SequenceClassifier classifier = LoraClassifiers.load(DIR, TinyEncoders.llama(), 0);
        assertThat(classifier.labels().labels()).containsExactly("LABEL_0", "LABEL_1", "LABEL_2");
        int[] ids = ints(expected.get("ids"));
        int[] mask = ints(expected.get("mask"));
        int b = expected.get("batch").asInt();
        int t = expected.get("time").asInt();
        assertThat(mask).as("the batch pads").contains(0);
        classifier.train(false);
        float[] logits = Autograd.noGrad(() -> classifier.logits(ids, b, t, mask)).toFloatArray();
        JsonNode want = expected.get("logits");
        assertThat(logits).hasSize(want.size());
        double worst = 0;
        for (int i = 0; i < logits.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - want.get(i).asDouble()));
        }
        // F32 through two blocks; PEFT's logits were rounded to 8 decimals.
        assertThat(worst).as("max |Lathe - PEFT| over %d logits", logits.length).isLessThan(1e-5);
    }

    @Test
    void latheSavesThatClassifierWithPeftsNamesValuesAndConfig() throws IOException {
        resavesAsPeftDid(DIR, TinyEncoders.llama());
    }

    /**
     * The BERT counterpart ({@code BertForSequenceClassification}, {@code classifier} head with bias): names,
     * values and config only, as transformers pools BERT through its pooler where Lathe takes the mean.
     */
    @Test
    void aBertAdapterWrittenByPeftLoadsAndLatheSavesItAsPeftDid() throws IOException {
        SequenceClassifier classifier = resavesAsPeftDid(TinyEncoders.resource("peft-seq-cls/bert-lora"),
                TinyEncoders.bert());
        assertThat(classifier.headParameters()).containsOnlyKeys("classifier.weight", "classifier.bias");
        assertThat(classifier.dropout()).isEqualTo(SequenceClassifier.BERT_DROPOUT);
    }

    SequenceClassifier resavesAsPeftDid(Path dir, Encoder base) throws IOException {
        SequenceClassifier classifier = LoraClassifiers.load(dir, base, 0);
        assertThat(classifier.labels().size()).isEqualTo(3);
        Path out = tmp.resolve("saved");
        LoraClassifiers.save(classifier, out);
        JsonNode peft = JSON.readTree(dir.resolve("adapter_config.json").toFile());
        JsonNode lathe = JSON.readTree(out.resolve("adapter_config.json").toFile());
        for (String field : List.of("peft_type", "task_type", "r", "lora_alpha", "modules_to_save", "bias",
                "fan_in_fan_out", "use_rslora", "init_lora_weights", "base_model_name_or_path")) {
            assertThat(lathe.get(field)).as(field).isEqualTo(peft.get(field));
        }
        assertThat(sorted(lathe.get("target_modules"))).isEqualTo(sorted(peft.get("target_modules")));
        try (SafetensorsFile theirs = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"));
                SafetensorsFile ours = SafetensorsFile.open(out.resolve("adapter_model.safetensors"))) {
            assertThat(ours.names()).containsExactlyInAnyOrderElementsOf(theirs.names());
            for (String n : theirs.names()) {
                Tensor a = ours.tensor(n);
                Tensor e = theirs.tensor(n);
                assertThat(a.shape()).as(n).containsExactly(e.shape());
                assertThat(a.toFloatArray()).as(n).containsExactly(e.toFloatArray());
            }
        }
        return classifier;
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static List<String> sorted(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        out.sort(null);
        return out;
    }
}
