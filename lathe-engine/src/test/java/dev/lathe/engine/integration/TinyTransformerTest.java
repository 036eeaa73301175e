package dev.lathe.engine.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Activations;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Attention;
import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.op.Losses;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Norms;
import dev.lathe.engine.op.Rope;
import dev.lathe.engine.op.RopeConfig;
import dev.lathe.engine.op.RopeTable;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.optim.AdamW;
import dev.lathe.engine.optim.GradClip;
import dev.lathe.engine.optim.Schedule;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import dev.lathe.engine.testing.GradCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The ops composed the way a model uses them: a one-layer Llama-style decoder (embedding, RMSNorm,
 * q/k/v projections, RoPE, grouped-query causal attention, output projection, residuals, SwiGLU MLP,
 * tied output head, cross-entropy). Its gradients as a whole must match finite differences, and
 * AdamW must be able to fit a short sequence with it, each step's activations living in an arena.
 */
class TinyTransformerTest {
    private static final int V = 11;
    private static final int C = 8;
    private static final int H = 2;
    private static final int KVH = 1;
    private static final int D = C / H;
    private static final int F = 12;

    private final RopeTable rope = RopeTable.create(new RopeConfig(D, 10000.0), 32);

    private Map<String, Tensor> initialWeights(long seed) {
        Map<String, Tensor> w = new LinkedHashMap<>();
        w.put("embed", scaled(Tensor.randn(seed, V, C), 0.5f));
        w.put("attn_norm", Tensor.full(1f, C));
        w.put("q", scaled(Tensor.randn(seed + 1, H * D, C), 0.35f));
        w.put("k", scaled(Tensor.randn(seed + 2, KVH * D, C), 0.35f));
        w.put("v", scaled(Tensor.randn(seed + 3, KVH * D, C), 0.35f));
        w.put("o", scaled(Tensor.randn(seed + 4, C, H * D), 0.35f));
        w.put("mlp_norm", Tensor.full(1f, C));
        w.put("gate", scaled(Tensor.randn(seed + 5, F, C), 0.35f));
        w.put("up", scaled(Tensor.randn(seed + 6, F, C), 0.35f));
        w.put("down", scaled(Tensor.randn(seed + 7, C, F), 0.3f));
        w.put("final_norm", Tensor.full(1f, C));
        return w;
    }

    private static Tensor scaled(Tensor t, float s) {
        return Autograd.noGrad(() -> Arithmetic.scale(t, s));
    }

    /** Logits (B, T, V) for token ids (B, T). */
    private Tensor logits(Map<String, Tensor> w, int[] ids, int b, int t) {
        Tensor x = Embedding.lookup(w.get("embed"), ids, b, t);                       // (B, T, C)
        Tensor h = Norms.rmsNorm(x, w.get("attn_norm"), 1e-5f);
        Tensor q = heads(MatMul.linear(h, w.get("q"), null), b, t, H);               // (B, H, T, D)
        Tensor k = heads(MatMul.linear(h, w.get("k"), null), b, t, KVH);             // (B, KVH, T, D)
        Tensor v = heads(MatMul.linear(h, w.get("v"), null), b, t, KVH);
        Tensor a = Attention.scaledDotProductAttention(Rope.apply(q, rope, 0), Rope.apply(k, rope, 0), v, true);
        Tensor merged = Views.reshape(Views.transpose(a, 1, 2), b, t, H * D);        // (B, T, C)
        x = Arithmetic.add(x, MatMul.linear(merged, w.get("o"), null));
        Tensor m = Norms.rmsNorm(x, w.get("mlp_norm"), 1e-5f);
        Tensor act = Activations.swiglu(MatMul.linear(m, w.get("gate"), null), MatMul.linear(m, w.get("up"), null));
        x = Arithmetic.add(x, MatMul.linear(act, w.get("down"), null));
        return MatMul.linear(Norms.rmsNorm(x, w.get("final_norm"), 1e-5f), w.get("embed"), null); // tied head
    }

    private static Tensor heads(Tensor x, int b, int t, int n) {
        return Views.transpose(Views.reshape(x, b, t, n, D), 1, 2);
    }

    @Test
    void gradientsOfTheWholeBlockMatchFiniteDifferences() {
        Map<String, Tensor> w = initialWeights(3);
        String[] names = w.keySet().toArray(String[]::new);
        int[] ids = {1, 4, 7, 2, 9, 3, 5, 10};
        int[] targets = {4, 7, 2, 9, 3, 5, 10, 0};
        GradCheck.create().eps(5e-3).tolerance(2e-3, 3e-2).check(in -> {
            Map<String, Tensor> weights = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                weights.put(names[i], in[i]);
            }
            return Losses.crossEntropy(Views.reshape(logits(weights, ids, 2, 4), 8, V), targets);
        }, w.values().toArray(Tensor[]::new));
    }

    @Test
    void adamWFitsAShortSequenceWithActivationsFreedEveryStep() {
        Map<String, Tensor> w = initialWeights(11);
        w.values().forEach(p -> p.requiresGrad(true));
        AdamW optimizer = new AdamW(w, new AdamW.Config(3e-2, 0.9, 0.999, 1e-8, 0.0));
        Schedule schedule = new Schedule.CosineWithWarmup(5, 120);
        int[] ids = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6};
        int[] targets = {2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7};

        float first = 0;
        float last = 0;
        for (int step = 0; step < 120; step++) {
            schedule.apply(optimizer, 3e-2);
            float loss;
            try (TensorArena arena = TensorArena.open()) {
                loss = arena.call(() -> {
                    Tensor l = Losses.crossEntropy(Views.reshape(logits(w, ids, 2, 8), 16, V), targets);
                    Autograd.backward(l);
                    return l.item();
                });
            }
            GradClip.clipGradNorm(w.values(), 1.0);
            optimizer.step();
            optimizer.zeroGrad();
            if (step == 0) {
                first = loss;
            }
            last = loss;
        }
        assertThat(first).as("initial loss near log V").isBetween(1.5f, 6f);
        assertThat(last).as("loss after 120 steps (from %s)", first).isLessThan(0.1f);
    }
}
