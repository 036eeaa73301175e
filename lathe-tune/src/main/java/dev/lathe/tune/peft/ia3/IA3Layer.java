package dev.lathe.tune.peft.ia3;

import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.LinearHook.Projection;
import dev.lathe.tune.peft.DecoderModules;
import java.util.EnumMap;
import java.util.Map;

/**
 * One base module with an (IA)³ vector, as PEFT's {@code ia3.Linear}: a feedforward module computes
 * {@code base(x * l)} with {@code l} (1, in), any other {@code base(x) * l} with {@code l} (out, 1) (the bias
 * scaled too). For GPT-2's fused c_attn, one vector spans all 3C output columns and each of q, k, v takes its
 * slice. Merging folds {@code l} into a new F32 copy of the weight (and, for output scaling, the bias), never
 * into the loaded weights; unmerging drops the copy, which restores the base exactly (PEFT divides again,
 * which is inexact).
 */
public final class IA3Layer {
    private final DecoderModules.Module module;
    private final boolean feedforward;
    private final Tensor vector; // (1, in) feedforward, else (out, 1); F32, requires gradients
    private final Map<Projection, DecoderWeights.Linear> original;
    private Map<Projection, DecoderWeights.Linear> merged; // linears over the merged copy, or null

    IA3Layer(DecoderModules.Module module, boolean feedforward, Tensor vector,
            Map<Projection, DecoderWeights.Linear> original) {
        this.module = module;
        this.feedforward = feedforward;
        this.vector = vector;
        this.original = new EnumMap<>(original);
    }

    public DecoderModules.Module module() {
        return module;
    }

    public boolean feedforward() {
        return feedforward;
    }

    /** PEFT's {@code ia3_l}: (1, in) for a feedforward module, else (out, 1). */
    public Tensor vector() {
        return vector;
    }

    boolean merged() {
        return merged != null;
    }

    /** The output of projection {@code p} for input {@code x} (..., in) with the vector applied or merged. */
    Tensor apply(Projection p, Tensor x) {
        if (merged != null) {
            return LinearHook.plain(x, merged.get(p));
        }
        DecoderWeights.Linear linear = original.get(p);
        if (feedforward) {
            return LinearHook.plain(Arithmetic.mul(x, Views.reshape(vector, module.inFeatures())), linear);
        }
        Tensor scale = Views.reshape(vector, module.outFeatures()); // (N_all)
        DecoderWeights.Conv1dColumns cols = linear.conv1d();
        if (cols != null && (cols.start() != 0 || cols.end() != module.outFeatures())) {
            scale = Views.slice(scale, 0, cols.start(), cols.end()); // this projection's columns of c_attn
        }
        return Arithmetic.mul(LinearHook.plain(x, linear), scale);
    }

    /** Folds the vector into a copy of the stored weight (and bias); the forward result is unchanged. */
    void merge() {
        if (merged != null) {
            return;
        }
        DecoderWeights.Linear first = original.get(module.projections().get(0));
        float[] l = vector.toFloatArray();
        Tensor storedWeight = module.conv1d() ? first.conv1d().weight() : first.weight(); // (K, N_all) or (N, K)
        Tensor storedBias = module.conv1d() ? first.conv1d().bias() : first.bias();
        int rows = storedWeight.dim(0);
        int cols = storedWeight.dim(1);
        float[] w = storedWeight.toFloatArray();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // nn.Linear (N, K): output index r, input c; Conv1D (K, N): input r, output c.
                int out = module.conv1d() ? c : r;
                int in = module.conv1d() ? r : c;
                w[r * cols + c] *= feedforward ? l[in] : l[out];
            }
        }
        Tensor weight = Tensor.of(w, rows, cols);
        Tensor bias = null;
        if (storedBias != null) {
            float[] b = storedBias.toFloatArray();
            if (!feedforward) {
                for (int i = 0; i < b.length; i++) {
                    b[i] *= l[i];
                }
            }
            bias = Tensor.of(b, b.length);
        }
        Map<Projection, DecoderWeights.Linear> m = new EnumMap<>(Projection.class);
        for (Map.Entry<Projection, DecoderWeights.Linear> e : original.entrySet()) {
            DecoderWeights.Conv1dColumns c = e.getValue().conv1d();
            m.put(e.getKey(), module.conv1d() ? DecoderWeights.Linear.conv1d(weight, bias, c.start(), c.end())
                    : new DecoderWeights.Linear(weight, bias));
        }
        merged = m;
    }

    void unmerge() {
        merged = null;
    }

    /** The stored weight and bias of this module as the forward uses them (merged when merged). */
    Tensor[] storedWeightAndBias() {
        DecoderWeights.Linear first = (merged != null ? merged : original).get(module.projections().get(0));
        return module.conv1d() ? new Tensor[] {first.conv1d().weight(), first.conv1d().bias()}
                : new Tensor[] {first.weight(), first.bias()};
    }
}
