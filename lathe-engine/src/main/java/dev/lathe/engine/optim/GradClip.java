package dev.lathe.engine.optim;

import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Global gradient-norm clipping as {@code torch.nn.utils.clip_grad_norm_} with norm type 2: the L2
 * norm of all gradients together (as if concatenated) is computed, and when it exceeds
 * {@code maxNorm} every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}. Parameters
 * without a gradient are ignored.
 *
 * <p>A non-finite norm (a NaN or infinite gradient) either throws, with {@code errorIfNonfinite}, or
 * is returned with the gradients left unchanged so the caller can skip the step. (PyTorch would
 * scale by the non-finite coefficient, which only spreads the NaN; the caller's check is the same.)
 */
public final class GradClip {
    private GradClip() {}

    /** Clips, returning the total norm before clipping; a non-finite norm is returned, not thrown. */
    public static double clipGradNorm(Iterable<Tensor> parameters, double maxNorm) {
        return clipGradNorm(parameters, maxNorm, false);
    }

    /** Clips the gradients of an optimizer's parameters. */
    public static double clipGradNorm(Optimizer optimizer, double maxNorm, boolean errorIfNonfinite) {
        return clipGradNorm(optimizer.parameters().values(), maxNorm, errorIfNonfinite);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (norm + 1e-6))} and returns the norm before
     * scaling (F32-rounded, as PyTorch's float tensor). With {@code errorIfNonfinite}, a NaN or
     * infinite norm throws {@link IllegalStateException} instead, changing nothing.
     */
    public static double clipGradNorm(Iterable<Tensor> parameters, double maxNorm, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        List<Tensor> params = withGrads(parameters);
        float norm = norm(params);
        if (!Float.isFinite(norm)) {
            if (errorIfNonfinite) {
                throw new IllegalStateException("the total L2 norm of the gradients is " + norm
                        + ", so they cannot be clipped: some gradient holds NaN or infinity");
            }
            return norm;
        }
        // As torch: float32 arithmetic on the norm tensor.
        float coef = (float) maxNorm / (norm + 1e-6f);
        if (coef < 1f) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (!g.isContiguous()) {
                    g = g.copyContiguous();
                    p.setGrad(g);
                }
                Elementwise.scale(g.data(), g.data(), coef, g.numel());
            }
        }
        return norm;
    }

    /** The L2 norm of all gradients together, without changing them (0 when there are none). */
    public static double totalNorm(Iterable<Tensor> parameters) {
        return norm(withGrads(parameters));
    }

    private static List<Tensor> withGrads(Iterable<Tensor> parameters) {
        List<Tensor> out = new ArrayList<>();
        for (Tensor p : parameters) {
            if (p.grad() != null) {
                out.add(p);
            }
        }
        return out;
    }

    private static float norm(List<Tensor> params) {
        double sumSq = 0; // double: no float error growing with the parameter count
        for (Tensor p : params) {
            Tensor g = p.grad();
            Tensor c = g.isContiguous() ? g : g.copyContiguous();
            sumSq += Elementwise.sumOfSquares(c.data(), c.numel());
        }
        return (float) Math.sqrt(sumSq);
    }
}
