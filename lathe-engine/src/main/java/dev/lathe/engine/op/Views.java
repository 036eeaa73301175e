package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.kernel.Strided;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Layout ops: reshape, transpose, slice and contiguous. They return views sharing storage where the
 * layout allows (no copy); in backward they route the view's gradient into the right elements of
 * the source's gradient.
 */
public final class Views {
    /** Elements per work item when a reshape's gradient is copied or added on several threads. */
    private static final int COPY_BLOCK = 1 << 16;

    private Views() {}

    /** {@code x} itself if contiguous, else a contiguous copy. */
    public static Tensor contiguous(Tensor x) {
        if (x.isContiguous()) {
            return x;
        }
        Tensor out = x.copyContiguous();
        return Autograd.record(out, "contiguous", dOut -> gradInto(x, dOut), x);
    }

    /**
     * The same elements in row-major order with another shape; one dimension may be -1 (inferred).
     * A view when {@code x} is contiguous, else a copy.
     */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] target = inferShape(x, shape);
        Tensor src = contiguous(x);
        Tensor out = src.view(target, Shapes.contiguousStrides(target), src.offset());
        return Autograd.record(out, "reshape", dOut -> {
            boolean add = src.hasGrad(); // the first gradient is copied into an uncleared buffer instead
            MemorySegment g = (add ? src.gradBuffer() : src.gradBufferForOverwrite()).data();
            MemorySegment d = dOut.data();
            Parallel.forBlocks(dOut.numel(), COPY_BLOCK, (from, to) -> {
                if (add) {
                    Elementwise.addInto(g.asSlice(from * 4, (to - from) * 4), d.asSlice(from * 4, (to - from) * 4),
                            to - from);
                } else {
                    MemorySegment.copy(d, from * 4, g, from * 4, (to - from) * 4);
                }
            });
        }, src);
    }

    /** Swaps two dimensions (a view). */
    public static Tensor transpose(Tensor x, int dim0, int dim1) {
        int a = Shapes.axis(dim0, x.rank());
        int b = Shapes.axis(dim1, x.rank());
        int[] shape = x.shape();
        long[] strides = x.strides();
        swap(shape, a, b);
        swap(strides, a, b);
        Tensor out = x.view(shape, strides, x.offset());
        return Autograd.record(out, "transpose", dOut -> {
            int[] s = dOut.shape();
            long[] st = dOut.strides();
            swap(s, a, b);
            swap(st, a, b);
            gradInto(x, dOut.view(s, st, dOut.offset()));
        }, x);
    }

    /** Elements {@code [start, end)} of dimension {@code dim} (a view). */
    public static Tensor slice(Tensor x, int dim, int start, int end) {
        int d = Shapes.axis(dim, x.rank());
        int size = x.dim(d);
        if (start < 0 || end > size || start > end) {
            throw new IllegalArgumentException("slice [" + start + ", " + end + ") is out of range for dimension "
                    + d + " of size " + size + " in shape " + Arrays.toString(x.shape()));
        }
        int[] shape = x.shape();
        shape[d] = end - start;
        long[] strides = x.strides();
        Tensor out = x.view(shape, strides, x.offset() + start * strides[d]);
        return Autograd.record(out, "slice", dOut -> {
            Tensor g = x.gradBuffer();
            Strided.accumulate(g.view(shape, g.strides(), start * g.strides()[d]), dOut);
        }, x);
    }

    /**
     * Adds {@code g} (x's shape, any strides) to x's gradient, or for the first gradient to reach x
     * copies it into an uncleared buffer (same result, one pass fewer over memory).
     */
    private static void gradInto(Tensor x, Tensor g) {
        if (x.hasGrad()) {
            Strided.accumulate(x.gradBuffer(), g);
        } else {
            Strided.copy(g, x.gradBufferForOverwrite());
        }
    }

    private static int[] inferShape(Tensor x, int[] shape) {
        int[] target = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            if (target[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension may be -1 in " + Arrays.toString(shape));
                }
                infer = i;
            } else {
                known *= target[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0) {
                throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shape()) + " to "
                        + Arrays.toString(shape));
            }
            target[infer] = (int) (x.numel() / known);
        }
        if (Shapes.numel(Shapes.checked(target)) != x.numel()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(x.shape()) + " ("
                    + x.numel() + " elements) to " + Arrays.toString(shape));
        }
        return target;
    }

    private static void swap(int[] v, int a, int b) {
        int t = v[a];
        v[a] = v[b];
        v[b] = t;
    }

    private static void swap(long[] v, int a, int b) {
        long t = v[a];
        v[a] = v[b];
        v[b] = t;
    }
}
