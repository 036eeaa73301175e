package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.Strided;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Prepending one batch-independent block to every row of a batch, as one autograd op: the shape of what
 * prompt tuning (virtual-token embeddings before the token embeddings) and prefix tuning (per-layer key and
 * value prefixes before the keys and values) need. {@code shared} has the shape of one batch row of the
 * result, except along {@code axis}, and is repeated for every row; its gradient is the sum over the batch.
 */
public final class Concat {
    private Concat() {}

    /**
     * {@code out[b] = cat(shared, x[b])} along {@code axis} (of {@code x}, >= 1): {@code x (B, ..., T, ...)},
     * {@code shared (..., P, ...)} with x's shape less the batch dimension and P in place of T, result
     * {@code (B, ..., P + T, ...)}. Both F32.
     */
    public static Tensor prependShared(Tensor shared, Tensor x, int axis) {
        int rank = x.rank();
        if (axis < 1 || axis >= rank) {
            throw new IllegalArgumentException("prependShared axis must be in [1, " + rank + ") for x of shape "
                    + Arrays.toString(x.shape()) + ", got " + axis);
        }
        if (shared.rank() != rank - 1) {
            throw new IllegalArgumentException("prependShared: shared must have rank " + (rank - 1) + " (x's shape "
                    + Arrays.toString(x.shape()) + " without the batch dimension), got " + Arrays.toString(shared.shape()));
        }
        for (int d = 1; d < rank; d++) {
            if (d != axis && shared.dim(d - 1) != x.dim(d)) {
                throw new IllegalArgumentException("prependShared: shared " + Arrays.toString(shared.shape())
                        + " must match x " + Arrays.toString(x.shape()) + " in every dimension but the batch and axis "
                        + axis);
            }
        }
        if (shared.dtype() != DType.F32 || x.dtype() != DType.F32) {
            throw new IllegalArgumentException("prependShared needs F32 tensors, got " + shared.dtype() + " and "
                    + x.dtype());
        }
        int b = x.dim(0);
        int p = shared.dim(axis - 1);
        int[] shape = x.shape();
        shape[axis] += p;
        Tensor out = Tensor.zeros(shape);
        for (int i = 0; i < b; i++) {
            Strided.copy(shared, prefixOf(out, i, axis, p));
            Strided.copy(rowOf(x, i), restOf(out, i, axis, p));
        }
        return Autograd.record(out, "prependShared", dOut -> {
            for (int i = 0; i < b; i++) {
                if (shared.requiresGrad()) {
                    Strided.accumulate(shared.gradBuffer(), prefixOf(dOut, i, axis, p));
                }
                if (x.requiresGrad()) {
                    Strided.accumulate(rowOf(x.gradBuffer(), i), restOf(dOut, i, axis, p));
                }
            }
        }, shared, x);
    }

    /** Batch row {@code i} of {@code t} as a view without the batch dimension. */
    private static Tensor rowOf(Tensor t, int i) {
        int[] shape = Arrays.copyOfRange(t.shape(), 1, t.rank());
        long[] strides = Arrays.copyOfRange(t.strides(), 1, t.rank());
        return t.view(shape, strides, t.offset() + i * t.stride(0));
    }

    /** The first {@code p} entries along {@code axis} of batch row {@code i}. */
    private static Tensor prefixOf(Tensor t, int i, int axis, int p) {
        Tensor row = rowOf(t, i);
        int[] shape = row.shape();
        shape[axis - 1] = p;
        return row.view(shape, row.strides(), row.offset());
    }

    /** The entries after the first {@code p} along {@code axis} of batch row {@code i}. */
    private static Tensor restOf(Tensor t, int i, int axis, int p) {
        Tensor row = rowOf(t, i);
        int[] shape = row.shape();
        shape[axis - 1] -= p;
        return row.view(shape, row.strides(), row.offset() + p * row.stride(axis - 1));
    }
}
