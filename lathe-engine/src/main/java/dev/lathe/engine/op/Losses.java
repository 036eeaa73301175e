package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.CrossEntropyKernels;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Training losses. {@link #crossEntropy} is {@code torch.nn.functional.cross_entropy} for class-index
 * targets: fused log-softmax + NLL, an ignore index (padding, prompt tokens), label smoothing, and
 * mean / sum / none reductions. A mean is over the non-ignored targets; when every target is
 * ignored it is 0/0 = NaN, as in PyTorch (and the gradient is zero).
 */
public final class Losses {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** PyTorch's default {@code ignore_index}. */
    public static final int DEFAULT_IGNORE_INDEX = -100;

    private Losses() {}

    /** How per-target losses are combined. */
    public enum Reduction {
        /** Average over non-ignored targets: a scalar. */
        MEAN,
        /** Sum over targets: a scalar. */
        SUM,
        /** One loss per target (0 where ignored), shaped like the logits without V. */
        NONE
    }

    /** Mean cross-entropy, ignore index -100, no label smoothing. */
    public static Tensor crossEntropy(Tensor logits, int[] targets) {
        return crossEntropy(logits, targets, DEFAULT_IGNORE_INDEX, 0f, Reduction.MEAN);
    }

    /**
     * Cross-entropy of {@code logits} (..., V) (for example (N, V) or (B, T, V)) against class
     * indices {@code targets}, one per row in row-major order. Per row,
     * {@code loss = (1 - labelSmoothing) * -log p[target] + labelSmoothing * mean_c(-log p[c])}, and
     * 0 where the target equals {@code ignoreIndex}. The result is a scalar for MEAN and SUM, or
     * the leading shape (...) for NONE. Gradients flow to the logits.
     */
    public static Tensor crossEntropy(Tensor logits, int[] targets, int ignoreIndex, float labelSmoothing,
            Reduction reduction) {
        if (logits.rank() < 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be (..., V) with at least two "
                    + "dimensions, got " + Arrays.toString(logits.shape()));
        }
        int v = logits.dim(-1);
        int rows = (int) (logits.numel() / Math.max(1, v));
        if (v == 0) {
            throw new IllegalArgumentException("crossEntropy: logits " + Arrays.toString(logits.shape())
                    + " have no classes (V = 0)");
        }
        if (targets == null || targets.length != rows) {
            throw new IllegalArgumentException("crossEntropy: expected " + rows + " targets for logits "
                    + Arrays.toString(logits.shape()) + ", got " + (targets == null ? "null" : targets.length));
        }
        if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
            throw new IllegalArgumentException("crossEntropy: labelSmoothing must be in [0, 1], got "
                    + labelSmoothing);
        }
        if (reduction == null) {
            throw new IllegalArgumentException("crossEntropy: reduction must not be null");
        }
        int count = 0;
        for (int i = 0; i < rows; i++) {
            int t = targets[i];
            if (t == ignoreIndex) {
                continue;
            }
            if (t < 0 || t >= v) {
                throw new IllegalArgumentException("crossEntropy: targets[" + i + "] = " + t
                        + " is out of range for V = " + v + " classes (valid: 0.." + (v - 1)
                        + ", or the ignore index " + ignoreIndex + ")");
            }
            count++;
        }
        int[] t = targets.clone(); // the backward must see the targets of this call
        Tensor xc = Views.contiguous(logits); // (R, V)
        Tensor rowLoss = Tensor.zeros(rows);  // (R)
        boolean grad = Autograd.needsGrad(xc);
        Tensor stats = grad ? Tensor.zeros(rows, 2) : null; // (R, 2): row max, log-sum-exp relative to it
        CrossEntropyKernels.forward(rowLoss.data(), grad ? stats.data() : null, xc.data(), t, rows, v, ignoreIndex,
                labelSmoothing);

        Tensor out;
        if (reduction == Reduction.NONE) {
            int[] lead = Arrays.copyOf(xc.shape(), xc.rank() - 1);
            out = rowLoss.view(lead, Shapes.contiguousStrides(lead), 0);
        } else {
            double total = 0; // sequential double sum: deterministic and accurate
            MemorySegment rl = rowLoss.data();
            for (int i = 0; i < rows; i++) {
                total += rl.getAtIndex(F32, i);
            }
            out = Tensor.scalar((float) (reduction == Reduction.MEAN ? total / count : total));
        }
        final int n = count;
        return Autograd.record(out, "crossEntropy", dOut -> {
            Tensor dLoss = Tensor.zeros(rows); // (R) per-row gradient
            MemorySegment dl = dLoss.data();
            if (reduction == Reduction.NONE) {
                MemorySegment.copy(dOut.data(), 0, dl, 0, rows * 4L);
            } else {
                float s = dOut.item();
                float scale = reduction == Reduction.MEAN ? (n == 0 ? 0f : s / n) : s;
                for (int i = 0; i < rows; i++) {
                    dl.setAtIndex(F32, i, scale);
                }
            }
            boolean first = !xc.hasGrad(); // the first gradient overwrites an uncleared buffer
            CrossEntropyKernels.backward((first ? xc.gradBufferForOverwrite() : xc.gradBuffer()).data(), dl, xc.data(),
                    stats.data(), t, rows, v, ignoreIndex, labelSmoothing, first);
        }, xc);
    }
}
