package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The autograd forward trains: gradients reach every weight, and bad weights fail at load by name. */
class DecoderTrainingTest {
    private static final String CONFIG = """
            {"model_type": "llama", "vocab_size": 11, "hidden_size": 8, "intermediate_size": 12,
             "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
             "max_position_embeddings": 16, "tie_word_embeddings": true}""";

    private static Map<String, Tensor> weights(ModelConfig c) {
        Map<String, Tensor> w = new HashMap<>();
        long seed = 1;
        int d = c.headDim();
        w.put("model.embed_tokens.weight", Tensor.randn(seed++, 11, 8));
        String p = "model.layers.0.";
        w.put(p + "input_layernorm.weight", Tensor.full(1f, 8));
        w.put(p + "post_attention_layernorm.weight", Tensor.full(1f, 8));
        w.put(p + "self_attn.q_proj.weight", Tensor.randn(seed++, 2 * d, 8));
        w.put(p + "self_attn.k_proj.weight", Tensor.randn(seed++, d, 8));
        w.put(p + "self_attn.v_proj.weight", Tensor.randn(seed++, d, 8));
        w.put(p + "self_attn.o_proj.weight", Tensor.randn(seed++, 8, 2 * d));
        w.put(p + "mlp.gate_proj.weight", Tensor.randn(seed++, 12, 8));
        w.put(p + "mlp.up_proj.weight", Tensor.randn(seed++, 12, 8));
        w.put(p + "mlp.down_proj.weight", Tensor.randn(seed++, 8, 12));
        w.put("model.norm.weight", Tensor.full(1f, 8));
        return w;
    }

    @Test
    void aCrossEntropyLossBackpropagatesIntoEveryWeightAndTheTiedTableOnce() {
        ModelConfig c = ModelConfig.parse(CONFIG, null, "config.json");
        Map<String, Tensor> w = weights(c);
        w.values().forEach(t -> t.requiresGrad(true));
        DecoderModel model = DecoderFamilies.build(c, WeightSource.of(w, "memory"));
        assertThat(model.weights().lmHead()).isSameAs(model.weights().embed());
        Tensor logits = model.logits(new int[][] {{1, 4, 2, 9}, {3, 3, 7, 0}}); // (2, 4, 11)
        Tensor loss = Losses.crossEntropy(dev.lathe.engine.op.Views.reshape(logits, 8, 11),
                new int[] {4, 2, 9, 1, 3, 7, 0, 5});
        Autograd.backward(loss);
        for (Map.Entry<String, Tensor> e : w.entrySet()) {
            assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
            assertThat(maxAbs(e.getValue().grad())).as(e.getKey()).isGreaterThan(0f);
        }
    }

    @Test
    void inferenceAgreesWithTheAutogradForwardOnF16Weights() {
        ModelConfig c = ModelConfig.parse(CONFIG, null, "config.json");
        Map<String, Tensor> w = new HashMap<>();
        weights(c).forEach((k, t) -> w.put(k, t.rank() == 2 ? t.to(DType.F16) : t));
        DecoderModel model = DecoderFamilies.build(c, WeightSource.of(w, "memory"));
        int[] ids = {1, 4, 2, 9, 3};
        float[] full = model.logits(new int[][] {ids}).toFloatArray();
        float[] last = model.forward(ids, model.newCache(8));
        float[] expected = java.util.Arrays.copyOfRange(full, 4 * 11, 5 * 11);
        DecoderParityTest.assertClose("f16 weights", last, expected);
    }

    @Test
    void aWrongShapeOrMissingTensorFailsAtLoadNamingIt() {
        ModelConfig c = ModelConfig.parse(CONFIG, null, "config.json");
        Map<String, Tensor> w = weights(c);
        w.put("model.layers.0.mlp.up_proj.weight", Tensor.zeros(12, 9));
        assertThatThrownBy(() -> DecoderFamilies.build(c, WeightSource.of(w, "m.safetensors")))
                .hasMessageContaining("m.safetensors").hasMessageContaining("mlp.up_proj.weight")
                .hasMessageContaining("[12, 9]").hasMessageContaining("[12, 8]");
        w.remove("model.layers.0.mlp.up_proj.weight");
        assertThatThrownBy(() -> DecoderFamilies.build(c, WeightSource.of(w, "m.safetensors")))
                .hasMessageContaining("mlp.up_proj.weight").hasMessageContaining("missing");
        Map<String, Tensor> untied = weights(c);
        ModelConfig separate = ModelConfig.parse(CONFIG.replace("true", "false"), null, "config.json");
        assertThatThrownBy(() -> DecoderFamilies.build(separate, WeightSource.of(untied, "m.safetensors")))
                .hasMessageContaining("lm_head.weight");
    }

    private static float maxAbs(Tensor t) {
        float m = 0;
        for (float v : t.toFloatArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
