package dev.lathe.engine.optim;

import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
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
    /** Elements per work item when scaling a gradient on several threads. */
    private static final int BLOCK = 1 << 16;

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
        List<Tensor> params = withGrads(parameters);
        Clip clip = measure(params, maxNorm, errorIfNonfinite);
        float coef = clip.scale();
        if (coef < 1f) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (!g.isContiguous()) {
                    g = g.copyContiguous();
                    p.setGrad(g);
                }
                scaleInPlace(g.data(), coef, g.numel());
            }
        }
        return clip.norm();
    }

    /**
     * The total norm and the factor clipping would scale the gradients by.
     *
     * @param norm  the L2 norm of all gradients together before clipping (F32-rounded; may be non-finite)
     * @param scale {@code min(1, maxNorm / (norm + 1e-6))}, or 1 when the norm is not finite
     */
    public record Clip(double norm, float scale) {}

    /**
     * Measures clipping without applying it: the norm, and the scale to pass to
     * {@link Optimizer#step(float)}, which gives the same update as {@link #clipGradNorm(Optimizer, double,
     * boolean)} followed by {@link Optimizer#step()} without rewriting every gradient. The gradients are
     * left unchanged; with {@code errorIfNonfinite}, a NaN or infinite norm throws {@link IllegalStateException}.
     */
    public static Clip measure(Optimizer optimizer, double maxNorm, boolean errorIfNonfinite) {
        return measure(withGrads(optimizer.parameters().values()), maxNorm, errorIfNonfinite);
    }

    private static Clip measure(List<Tensor> params, double maxNorm, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("maxNorm must be >= 0, got " + maxNorm);
        }
        float norm = norm(params);
        if (!Float.isFinite(norm)) {
            if (errorIfNonfinite) {
                throw new IllegalStateException("the total L2 norm of the gradients is " + norm
                        + ", so they cannot be clipped: some gradient holds NaN or infinity");
            }
            return new Clip(norm, 1f);
        }
        // As torch: float32 arithmetic on the norm tensor.
        float coef = (float) maxNorm / (norm + 1e-6f);
        return new Clip(norm, Math.min(1f, coef));
    }

    /** x *= coef over n elements, in blocks on the kernel threads (elementwise: the same bits as one pass). */
    private static void scaleInPlace(MemorySegment x, float coef, long n) {
        Parallel.forBlocks(n, BLOCK, (from, to) -> {
            MemorySegment part = x.asSlice(from * 4, (to - from) * 4);
            Elementwise.scale(part, part, coef, to - from);
        });
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

    /**
     * The L2 norm of the gradients. Each gradient's sum of squares is computed whole, as before, but
     * the gradients are shared out among the kernel threads in runs of about equal size; the sums are
     * then added in parameter order, so the result has the same bits on any number of threads.
     */
    private static float norm(List<Tensor> params) {
        int count = params.size();
        Tensor[] grads = new Tensor[count];
        long total = 0;
        for (int i = 0; i < count; i++) {
            Tensor g = params.get(i).grad();
            grads[i] = g.isContiguous() ? g : g.copyContiguous(); // here: a copy belongs in the caller's arena
            total += grads[i].numel();
        }
        int groups = Math.max(1, Math.min(Parallel.threads(), count));
        int[] firstOfGroup = new int[groups + 1]; // group q sums grads [firstOfGroup[q], firstOfGroup[q + 1])
        long seen = 0;
        int q = 1;
        for (int i = 0; i < count && q < groups; i++) {
            seen += grads[i].numel();
            if (seen * groups >= total * q) {
                firstOfGroup[q++] = i + 1;
            }
        }
        for (; q <= groups; q++) {
            firstOfGroup[q] = count;
        }
        double[] sums = new double[count];
        Parallel.forRange(groups, 1, (s, e) -> {
            for (int i = firstOfGroup[s]; i < firstOfGroup[e]; i++) {
                sums[i] = Elementwise.sumOfSquares(grads[i].data(), grads[i].numel());
            }
        });
        double sumSq = 0; // double: no float error growing with the parameter count
        for (double x : sums) {
            sumSq += x;
        }
        return (float) Math.sqrt(sumSq);
    }
}
