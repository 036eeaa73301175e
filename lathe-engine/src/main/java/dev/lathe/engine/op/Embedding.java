package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.EmbeddingKernels;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Token embedding lookup: rows of a (V, C) table gathered by integer ids of any shape (e.g. (B, T))
 * into an F32 tensor of shape ids + (C). The table may be stored as F16/BF16 (converted per row) for
 * inference; training needs an F32 table. Backward scatter-adds the rows of dOut into dWeight, so a
 * repeated id accumulates every position's gradient.
 */
public final class Embedding {
    private Embedding() {}

    /** {@code weight[ids]}: shape {@code idsShape + (C)}; ids are row-major over idsShape. */
    public static Tensor lookup(Tensor weight, int[] ids, int... idsShape) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("embedding weight must be (V, C), got shape "
                    + Arrays.toString(weight.shape()));
        }
        int[] idShape = Shapes.checked(idsShape);
        if (Shapes.numel(idShape) != ids.length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill the ids shape "
                    + Arrays.toString(idShape) + " (" + Shapes.numel(idShape) + " elements)");
        }
        int vocab = weight.dim(0); // V
        int c = weight.dim(1);     // C
        int[] tokens = ids.clone(); // the caller may reuse its buffer before backward
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("embedding id " + tokens[i] + " at position " + i + " "
                        + Arrays.toString(unravel(i, idShape)) + " is out of range for vocabulary size V = " + vocab);
            }
        }
        Tensor wc = weight.isContiguous() ? weight : Views.contiguous(weight);
        int[] outShape = Arrays.copyOf(idShape, idShape.length + 1); // idsShape + (C)
        outShape[idShape.length] = c;
        Tensor out = Tensor.zeros(outShape);
        EmbeddingKernels.forward(out.data(), wc.data(), wc.dtype(), tokens, c);
        if (wc.dtype() != DType.F32) {
            return out; // storage types never require gradients
        }
        return Autograd.record(out, "embedding",
                dOut -> EmbeddingKernels.backward(wc.gradBuffer().data(), dOut.data(), tokens, c), wc);
    }

    private static int[] unravel(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }
}
