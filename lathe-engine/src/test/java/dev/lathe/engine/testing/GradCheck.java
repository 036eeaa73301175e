package dev.lathe.engine.testing;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Finite-difference check of hand-written backward passes. The scalar probed is
 * {@code L = sum(f(inputs) * R)} for a fixed random {@code R} (so every output element matters),
 * computed in double; each input element's analytic gradient is compared with the central
 * difference {@code (L(x+eps) - L(x-eps)) / 2eps}.
 *
 * <p>Tolerance: {@code |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|)}. With F32
 * forward passes, eps = 1e-2 and inputs of order 1, the rounding error of the difference quotient
 * is about 1e-5 and the truncation error about 1e-5 * f''', so the defaults leave a wide margin
 * while still catching a wrong factor or a missing term.
 */
public final class GradCheck {
    private double eps = 1e-2;
    private double atol = 2e-3;
    private double rtol = 2e-2;
    private long seed = 42;

    public static GradCheck create() {
        return new GradCheck();
    }

    public GradCheck eps(double value) {
        this.eps = value;
        return this;
    }

    public GradCheck tolerance(double absolute, double relative) {
        this.atol = absolute;
        this.rtol = relative;
        return this;
    }

    public GradCheck seed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Checks the gradients of every input with respect to {@code f}. Inputs must be F32 leaves; this
     * marks them as requiring gradients (inputs given as {@code null} are passed through unchecked).
     * Returns the largest absolute difference seen.
     */
    public double check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            if (t != null) {
                t.zeroGrad();
                t.requiresGrad(true);
            }
        }
        Tensor out = f.apply(inputs);
        float[] weights = new float[(int) out.numel()];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (random.nextDouble() * 2 - 1);
        }
        Autograd.backward(out, Tensor.of(weights, out.shape()));

        double worst = 0;
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            if (x == null) {
                continue;
            }
            float[] analytic = x.grad() == null ? new float[(int) x.numel()] : x.grad().toFloatArray();
            float[] values = x.toFloatArray();
            int[] shape = x.shape();
            for (int i = 0; i < values.length; i++) {
                float up = (float) (values[i] + eps);
                float down = (float) (values[i] - eps);
                double numeric = (probe(f, inputs, k, shape, values, i, up, weights)
                        - probe(f, inputs, k, shape, values, i, down, weights)) / ((double) up - down);
                double diff = Math.abs(analytic[i] - numeric);
                worst = Math.max(worst, diff);
                double allowed = atol + rtol * Math.max(Math.abs(analytic[i]), Math.abs(numeric));
                if (!(diff <= allowed)) {
                    throw new AssertionError(String.format(
                            "gradient of input %d %s at flat index %d: analytic %.6g, finite difference %.6g "
                                    + "(|diff| %.3g > allowed %.3g; eps %.1g)",
                            k, Arrays.toString(shape), i, analytic[i], numeric, diff, allowed, eps));
                }
            }
        }
        return worst;
    }

    private double probe(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int[] shape, float[] values, int i,
            float movedValue, float[] weights) {
        float[] moved = values.clone();
        moved[i] = movedValue;
        Tensor[] args = inputs.clone();
        args[k] = Tensor.of(moved, shape);
        Tensor out = Autograd.noGrad(() -> f.apply(args));
        float[] o = out.toFloatArray();
        double loss = 0;
        for (int j = 0; j < o.length; j++) {
            loss += (double) o[j] * weights[j];
        }
        return loss;
    }
}
