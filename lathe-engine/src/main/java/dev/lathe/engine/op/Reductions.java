package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.ArithmeticKernels;
import dev.lathe.engine.kernel.Convert;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Sum and mean over given axes (optionally keeping them as size-1 dimensions) or over all elements.
 * Forward accumulates runs in float vector lanes flushed to double; backward broadcasts dOut back
 * over the reduced axes (scaled by 1/count for mean).
 */
public final class Reductions {
    private Reductions() {}

    /** Sum of all elements, as a rank-0 tensor. */
    public static Tensor sum(Tensor x) {
        return reduce(x, allAxes(x.rank()), false, false, "sum");
    }

    /** Mean of all elements, as a rank-0 tensor. */
    public static Tensor mean(Tensor x) {
        return reduce(x, allAxes(x.rank()), false, true, "mean");
    }

    /** Sum over {@code axes} (negative axes count from the end); keepDim keeps them with size 1. */
    public static Tensor sum(Tensor x, int[] axes, boolean keepDim) {
        return reduce(x, axes, keepDim, false, "sum");
    }

    public static Tensor sum(Tensor x, int axis, boolean keepDim) {
        return reduce(x, new int[] {axis}, keepDim, false, "sum");
    }

    /** Mean over {@code axes}; keepDim keeps them with size 1. */
    public static Tensor mean(Tensor x, int[] axes, boolean keepDim) {
        return reduce(x, axes, keepDim, true, "mean");
    }

    public static Tensor mean(Tensor x, int axis, boolean keepDim) {
        return reduce(x, new int[] {axis}, keepDim, true, "mean");
    }

    private static Tensor reduce(Tensor x, int[] axes, boolean keepDim, boolean mean, String name) {
        OpChecks.requireF32(name, "x", x);
        int rank = x.rank();
        if (axes.length == 0 && rank > 0) {
            throw new IllegalArgumentException(name + " needs at least one axis, got none; use " + name
                    + "(x) to reduce all elements of " + Arrays.toString(x.shape()));
        }
        boolean[] reduced = new boolean[rank];
        for (int axis : axes) {
            int a = Shapes.axis(axis, rank);
            if (reduced[a]) {
                throw new IllegalArgumentException("axis " + axis + " appears twice in " + Arrays.toString(axes));
            }
            reduced[a] = true;
        }
        Tensor xc = Views.contiguous(x);
        int[] shape = xc.shape();
        int[] kept = shape.clone(); // x's shape with reduced axes set to 1
        long count = 1;
        int outRank = 0;
        for (int d = 0; d < rank; d++) {
            if (reduced[d]) {
                count *= shape[d];
                kept[d] = 1;
            } else {
                outRank++;
            }
        }
        int[] outShape = keepDim ? kept : new int[outRank];
        if (!keepDim) {
            for (int d = 0, o = 0; d < rank; d++) {
                if (!reduced[d]) {
                    outShape[o++] = shape[d];
                }
            }
        }
        long[] outStrides = ArithmeticKernels.broadcastStrides(kept, shape); // 0 on reduced axes
        float alpha = mean ? (count == 0 ? Float.NaN : 1f / count) : 1f;   // mean of nothing is NaN, as in PyTorch
        Tensor out = Tensor.zeros(outShape);
        if (count > 0) {
            ArithmeticKernels.reduceInto(out.data(), outStrides, xc.data(), shape, alpha);
        } else if (mean) {
            Convert.fill(out.data(), out.numel(), Float.NaN);
        }
        return Autograd.record(out, name,
                dOut -> ArithmeticKernels.expandInto(xc.gradBuffer().data(), dOut.data(), outStrides, shape, alpha),
                xc);
    }

    private static int[] allAxes(int rank) {
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            axes[i] = i;
        }
        return axes;
    }
}
