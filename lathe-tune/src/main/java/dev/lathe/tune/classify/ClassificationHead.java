package dev.lathe.tune.classify;

import dev.lathe.engine.op.Dropout;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The new layer of a classifier: dropout on the pooled vector, then a linear map to one logit per label,
 * {@code logits = dropout(pooled) W^T (+ b)} with W (K, C). Initialised as transformers' {@code _init_weights}
 * does: W ~ N(0, 0.02^2) (here from a seeded generator), b = 0.
 */
public final class ClassificationHead {
    /** transformers' default {@code initializer_range}. */
    static final double INIT_STD = 0.02;
    private final String name;
    private final Tensor weight; // (K, C)
    private final Tensor bias;   // (K) or null
    private final float dropout;

    ClassificationHead(String name, Tensor weight, Tensor bias, float dropout) {
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("head dropout must be in [0, 1), got " + dropout);
        }
        this.name = name;
        this.weight = weight;
        this.bias = bias;
        this.dropout = dropout;
    }

    /** A freshly initialised head named {@code name} mapping C = {@code hidden} to K = {@code labels}. */
    static ClassificationHead create(String name, int hidden, int labels, boolean withBias, float dropout, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = new float[labels * hidden];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (gaussian(rng) * INIT_STD);
        }
        return new ClassificationHead(name, Tensor.of(w, labels, hidden), withBias ? Tensor.zeros(labels) : null,
                dropout);
    }

    private static double gaussian(SplittableRandom rng) { // Box-Muller, one draw
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Logits (B, K) for {@code pooled} (B, C); dropout applies only when {@code training}, with masks from {@code seed}. */
    Tensor logits(Tensor pooled, boolean training, long seed) {
        return MatMul.linear(Dropout.apply(pooled, dropout, seed, training), weight, bias);
    }

    /** The head's tensors by Hugging Face name ({@code classifier.weight}, {@code classifier.bias}, {@code score.weight}). */
    Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(name + ".weight", weight);
        if (bias != null) {
            out.put(name + ".bias", bias);
        }
        return Collections.unmodifiableMap(out);
    }

    int labels() {
        return weight.dim(0);
    }

    float dropout() {
        return dropout;
    }
}
