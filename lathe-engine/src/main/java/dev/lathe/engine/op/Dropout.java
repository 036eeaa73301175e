package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.DropoutKernels;
import dev.lathe.engine.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Inverted dropout: in training each element is zeroed with probability p and the survivors are
 * scaled by {@code 1/(1-p)}, so evaluation needs no rescaling. The mask is a pure function of a
 * seed and the element index (see {@link DropoutKernels}): the same seed gives the same mask, and
 * backward regenerates it rather than keeping it in memory. With p = 0 or outside training the
 * input is returned unchanged (no copy, no graph node).
 */
public final class Dropout {
    private Dropout() {}

    /** Dropout with an explicit seed (reproducible: the same seed drops the same elements). */
    public static Tensor apply(Tensor x, float p, long seed, boolean training) {
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability p must be in [0, 1], got " + p);
        }
        if (!training || p == 0f) {
            return x;
        }
        OpChecks.requireF32("dropout", "x", x);
        Tensor xc = Views.contiguous(x);
        Tensor out = Tensor.zeros(xc.shape());
        long n = out.numel();
        DropoutKernels.forward(out.data(), xc.data(), n, p, seed);
        return Autograd.record(out, "dropout",
                dOut -> DropoutKernels.backward(xc.gradBuffer().data(), dOut.data(), n, p, seed), xc);
    }

    /** Dropout drawing its seed from {@code random} (one {@code nextLong()} per call, and only in training). */
    public static Tensor apply(Tensor x, float p, SplittableRandom random, boolean training) {
        if (!training || p == 0f) {
            return apply(x, p, 0L, training);
        }
        return apply(x, p, random.nextLong(), true);
    }
}
