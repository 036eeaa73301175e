package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.SoftmaxKernels;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;

/**
 * Softmax and log-softmax along one axis (the last by default, as attention and the output head
 * use them). The fused kernels work on the last axis; another axis is moved there with a transpose,
 * normalised, and moved back (a contiguous result either way). Backwards reuse the saved output.
 */
public final class Softmax {
    private Softmax() {}

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        return softmax(x, -1);
    }

    /** Softmax over {@code axis} (negative counts from the end). */
    public static Tensor softmax(Tensor x, int axis) {
        return alongAxis(x, axis, false);
    }

    /** Log-softmax over the last axis. */
    public static Tensor logSoftmax(Tensor x) {
        return logSoftmax(x, -1);
    }

    /** Log-softmax over {@code axis} (negative counts from the end). */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return alongAxis(x, axis, true);
    }

    private static Tensor alongAxis(Tensor x, int axis, boolean log) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException((log ? "logSoftmax" : "softmax")
                    + ": x must have at least one dimension, got a scalar");
        }
        int a = Shapes.axis(axis, x.rank());
        int last = x.rank() - 1;
        if (a == last) {
            return lastAxis(x, log);
        }
        Tensor moved = lastAxis(Views.transpose(x, a, last), log);
        return Views.contiguous(Views.transpose(moved, a, last));
    }

    private static Tensor lastAxis(Tensor x, boolean log) {
        Tensor xc = Views.contiguous(x); // (R, N) after flattening the leading dimensions
        int n = xc.dim(-1);
        int rows = n == 0 ? 0 : (int) (xc.numel() / n);
        Tensor out = Tensor.zeros(xc.shape());
        if (log) {
            SoftmaxKernels.logSoftmaxForward(out.data(), xc.data(), rows, n);
            return Autograd.record(out, "logSoftmax", dOut -> SoftmaxKernels.logSoftmaxBackward(
                    xc.gradBuffer().data(), dOut.data(), out.data(), rows, n), xc);
        }
        SoftmaxKernels.softmaxForward(out.data(), xc.data(), rows, n);
        return Autograd.record(out, "softmax", dOut -> SoftmaxKernels.softmaxBackward(
                xc.gradBuffer().data(), dOut.data(), out.data(), rows, n), xc);
    }
}
