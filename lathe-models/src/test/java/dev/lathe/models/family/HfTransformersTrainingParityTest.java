package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The training path against the real transformers 5.17.0: the causal-LM loss with labels = input ids
 * (next-token targets, mean over T - 1 predictions) and its gradients, as {@code loss.backward()} leaves
 * them on transformers' own modules (tools/reference/hf_logits.py, hf-tiny/NAME/training.json): tied
 * embeddings with every bias, Qwen2 with q/k/v biases and GQA, GPT-2's Conv1D layout with fused q/k/v.
 */
class HfTransformersTrainingParityTest {
    /** Per tensor: largest difference relative to the tensor's largest expected magnitude. */
    static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"llama-tied-biases", "qwen2", "gpt2"})
    void oneCausalLmStepGivesTransformersLossAndGradients(String name) throws IOException {
        Path dir = TinyModels.resource("hf-tiny/" + name);
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("training.json").toFile());
        Map<String, Tensor> params = new HashMap<>();
        try (Weights w = Weights.open(dir)) {
            for (String n : w.names()) {
                params.put(n, w.tensor(n).copyContiguous().requiresGrad(true)); // trainable copies outlive the map
            }
        }
        DecoderModel model = DecoderFamilies.build(ModelConfig.read(dir), WeightSource.of(params, "hf-tiny/" + name));
        int[] ids = HfTransformersParityTest.ints(expected.get("ids"))[0];
        int t = ids.length;
        int[] targets = new int[t];
        for (int i = 0; i < t; i++) {
            targets[i] = i + 1 < t ? ids[i + 1] : -100; // the last position predicts nothing
        }
        Tensor logits = model.logits(new int[][] {ids});
        Tensor loss = Losses.crossEntropy(Views.reshape(logits, t, model.vocabSize()), targets);
        Autograd.backward(loss);
        assertThat((double) loss.item()).as(name + " loss").isCloseTo(expected.get("loss").doubleValue(),
                org.assertj.core.data.Offset.offset(1e-5));

        double worst = 0;
        Iterator<Map.Entry<String, JsonNode>> grads = expected.get("gradients").properties().iterator();
        int checked = 0;
        while (grads.hasNext()) {
            Map.Entry<String, JsonNode> e = grads.next();
            Tensor param = params.get(e.getKey());
            assertThat(param).as(name + ": stored tensor " + e.getKey()).isNotNull();
            assertThat(param.grad()).as(name + ": gradient of " + e.getKey()).isNotNull();
            float[] actual = param.grad().toFloatArray();
            float[] want = HfTransformersParityTest.floats(e.getValue().get("data"));
            assertThat(actual).as(e.getKey()).hasSameSizeAs(want);
            double scale = 1e-6;
            for (float x : want) {
                scale = Math.max(scale, Math.abs(x));
            }
            double max = 0;
            for (int i = 0; i < want.length; i++) {
                max = Math.max(max, Math.abs(actual[i] - want[i]) / scale);
            }
            assertThat(max).as(name + " gradient " + e.getKey() + " (largest |expected| " + scale + ")")
                    .isLessThanOrEqualTo(TOLERANCE);
            worst = Math.max(worst, max);
            checked++;
        }
        assertThat(checked).isGreaterThan(10);
        System.out.println(name + ": loss " + loss.item() + ", " + checked + " gradients, largest difference"
                + " relative to each tensor's scale " + worst);
    }
}
