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

/**
 * The autograd forward trains: gradients reach every stored weight (Llama, and GPT-2 through its Conv1D
 * transposes and fused q/k/v slices), and bad weights fail at load by name.
 */
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

    private static final String GPT2_CONFIG = """
            {"model_type": "gpt2", "vocab_size": 11, "n_embd": 8, "n_layer": 1, "n_head": 2, "n_positions": 16,
             "activation_function": "gelu_new"}""";
    private static final int[] GPT2_IDS = {1, 4, 2, 9, 3, 3, 7, 0};   // (B, T) = (2, 4)
    private static final int[] GPT2_TARGETS = {4, 2, 9, 1, 3, 7, 0, 5};

    /** A random GPT-2 block with Conv1D weights stored (in, out) and c_attn fused (C, 3C), as in the checkpoints. */
    private static Map<String, Tensor> gpt2Weights() {
        Map<String, Tensor> w = new HashMap<>();
        long seed = 11;
        w.put("wte.weight", Tensor.randn(seed++, 11, 8));
        w.put("wpe.weight", Tensor.randn(seed++, 16, 8));
        for (String n : new String[] {"h.0.ln_1", "h.0.ln_2", "ln_f"}) {
            w.put(n + ".weight", Tensor.randn(seed++, 8));
            w.put(n + ".bias", Tensor.randn(seed++, 8));
        }
        w.put("h.0.attn.c_attn.weight", Tensor.randn(seed++, 8, 24));
        w.put("h.0.attn.c_attn.bias", Tensor.randn(seed++, 24));
        w.put("h.0.attn.c_proj.weight", Tensor.randn(seed++, 8, 8));
        w.put("h.0.attn.c_proj.bias", Tensor.randn(seed++, 8));
        w.put("h.0.mlp.c_fc.weight", Tensor.randn(seed++, 8, 32));
        w.put("h.0.mlp.c_fc.bias", Tensor.randn(seed++, 32));
        w.put("h.0.mlp.c_proj.weight", Tensor.randn(seed++, 32, 8));
        w.put("h.0.mlp.c_proj.bias", Tensor.randn(seed++, 8));
        return w;
    }

    private static Tensor gpt2Loss(Map<String, Tensor> w) {
        ModelConfig c = ModelConfig.parse(GPT2_CONFIG, null, "config.json");
        DecoderModel model = DecoderFamilies.build(c, WeightSource.of(w, "memory"));
        Tensor logits = model.logits(GPT2_IDS, 2, 4, null); // (2, 4, 11)
        return Losses.crossEntropy(dev.lathe.engine.op.Views.reshape(logits, 8, 11), GPT2_TARGETS);
    }

    @Test
    void gpt2ConvWeightsAndTheFusedQkvMatrixReceiveGradientsThatMatchFiniteDifferences() {
        Map<String, Tensor> w = gpt2Weights();
        w.values().forEach(t -> t.requiresGrad(true));
        Tensor loss = gpt2Loss(w);
        Autograd.backward(loss);
        for (Map.Entry<String, Tensor> e : w.entrySet()) {
            assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
            assertThat(maxAbs(e.getValue().grad())).as(e.getKey()).isGreaterThan(0f);
        }
        Tensor qkv = w.get("h.0.attn.c_attn.weight");                // (C, 3C)
        float[] grad = qkv.grad().toFloatArray();
        float lossValue = loss.item();
        // In each of the q, k and v thirds, the entry with the largest gradient, and one fixed entry.
        java.util.List<int[]> probes = new java.util.ArrayList<>();
        for (int third = 0; third < 3; third++) {
            int best = -1;
            for (int r = 0; r < 8; r++) {
                for (int col = third * 8; col < third * 8 + 8; col++) {
                    if (best < 0 || Math.abs(grad[r * 24 + col]) > Math.abs(grad[best])) {
                        best = r * 24 + col;
                    }
                }
            }
            assertThat(Math.abs(grad[best])).as("c_attn third " + third).isGreaterThan(0f);
            probes.add(new int[] {best / 24, best % 24});
        }
        probes.add(new int[] {5, 13});
        double eps = 1e-2;
        double worst = 0;
        for (int[] at : probes) {
            double numeric = (perturbedLoss(w, at, eps) - perturbedLoss(w, at, -eps)) / (2 * eps);
            double analytic = grad[at[0] * 24 + at[1]];
            worst = Math.max(worst, Math.abs(analytic - numeric));
            assertThat(Math.abs(analytic - numeric)).as("c_attn.weight" + java.util.Arrays.toString(at)
                    + ": analytic " + analytic + ", finite difference " + numeric + " (loss " + lossValue + ")")
                    .isLessThanOrEqualTo(1e-3 + 2e-2 * Math.max(Math.abs(analytic), Math.abs(numeric)));
        }
        System.out.println("GPT-2 c_attn.weight gradient vs finite differences: largest difference " + worst
                + " (largest gradient " + maxAbs(qkv.grad()) + ")");
    }

    /** The GPT-2 loss with {@code c_attn.weight[at]} moved by {@code delta}, no gradients recorded. */
    private static double perturbedLoss(Map<String, Tensor> w, int[] at, double delta) {
        Map<String, Tensor> moved = new HashMap<>(w);
        Tensor qkv = w.get("h.0.attn.c_attn.weight").copyContiguous();
        qkv.set((float) (qkv.get(at) + delta), at);
        moved.put("h.0.attn.c_attn.weight", qkv);
        return Autograd.noGrad(() -> gpt2Loss(moved)).item();
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
