package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.ArithmeticKernels;
import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;

/**
 * Element-wise arithmetic with NumPy/PyTorch broadcasting: shapes align from the right and a
 * dimension of size 1 (or a missing one) stretches to match. Backward reduces each input's
 * gradient over the dimensions it was broadcast along, back to its own shape. Same-shape inputs
 * and row broadcasts ((R, N) op (N), e.g. adding a bias) take single-run and per-row SIMD paths.
 */
public final class Arithmetic {
    private Arithmetic() {}

    /** {@code a + b}, broadcast. */
    public static Tensor add(Tensor a, Tensor b) {
        return binary(ArithmeticKernels.ADD, "add", a, b);
    }

    /** {@code a - b}, broadcast. */
    public static Tensor sub(Tensor a, Tensor b) {
        return binary(ArithmeticKernels.SUB, "sub", a, b);
    }

    /** {@code a * b} element-wise, broadcast. */
    public static Tensor mul(Tensor a, Tensor b) {
        return binary(ArithmeticKernels.MUL, "mul", a, b);
    }

    /** {@code a / b} element-wise, broadcast (IEEE semantics: x/0 is ±inf or NaN, as in PyTorch). */
    public static Tensor div(Tensor a, Tensor b) {
        return binary(ArithmeticKernels.DIV, "div", a, b);
    }

    /** {@code alpha * x}. */
    public static Tensor scale(Tensor x, float alpha) {
        OpChecks.requireF32("scale", "x", x);
        Tensor xc = Views.contiguous(x);
        Tensor out = Tensor.zeros(xc.shape());
        Elementwise.scale(out.data(), xc.data(), alpha, xc.numel());
        return Autograd.record(out, "scale",
                dOut -> Elementwise.axpy(xc.gradBuffer().data(), alpha, dOut.data(), dOut.numel()), xc);
    }

    /** {@code x + c} for a constant c. */
    public static Tensor addScalar(Tensor x, float c) {
        OpChecks.requireF32("addScalar", "x", x);
        Tensor xc = Views.contiguous(x);
        int[] shape = xc.shape();
        Tensor out = Tensor.zeros(shape);
        Tensor constant = Tensor.scalar(c);
        ArithmeticKernels.binaryForward(ArithmeticKernels.ADD, out.data(), xc.data(),
                Shapes.contiguousStrides(shape), constant.data(), new long[shape.length], shape);
        return Autograd.record(out, "addScalar",
                dOut -> Elementwise.addInto(xc.gradBuffer().data(), dOut.data(), dOut.numel()), xc);
    }

    private static Tensor binary(int op, String name, Tensor a, Tensor b) {
        OpChecks.requireF32(name, "a", a);
        OpChecks.requireF32(name, "b", b);
        Tensor ac = Views.contiguous(a);
        Tensor bc = Views.contiguous(b);
        int[] shape = Shapes.broadcast(ac.shape(), bc.shape()); // throws naming both shapes
        long[] aStrides = ArithmeticKernels.broadcastStrides(ac.shape(), shape);
        long[] bStrides = ArithmeticKernels.broadcastStrides(bc.shape(), shape);
        Tensor out = Tensor.zeros(shape);
        ArithmeticKernels.binaryForward(op, out.data(), ac.data(), aStrides, bc.data(), bStrides, shape);
        return Autograd.record(out, name, dOut -> {
            if (ac.requiresGrad()) {
                gradInto(op, 0, ac, aStrides, dOut, ac, aStrides, bc, bStrides, shape);
            }
            if (bc.requiresGrad()) {
                gradInto(op, 1, bc, bStrides, dOut, ac, aStrides, bc, bStrides, shape);
            }
        }, ac, bc);
    }

    /**
     * Adds input {@code side}'s gradient into {@code target}: the element-wise partial over the
     * output shape, then summed over the dimensions the input was broadcast along.
     */
    private static void gradInto(int op, int side, Tensor target, long[] targetStrides, Tensor dOut, Tensor a,
            long[] aStrides, Tensor b, long[] bStrides, int[] shape) {
        boolean broadcast = target.numel() != dOut.numel();
        boolean linear = op == ArithmeticKernels.ADD || op == ArithmeticKernels.SUB;
        if (!broadcast) {
            // Same layout as the output (size-1 dims carry no movement): write a first gradient whole,
            // otherwise accumulate directly.
            boolean fresh = !target.hasGrad();
            Tensor grad = fresh ? target.gradBufferForOverwrite() : target.gradBuffer();
            ArithmeticKernels.binaryBackward(op, side, fresh, grad.data(), dOut.data(), a.data(), aStrides, b.data(),
                    bStrides, shape);
            return;
        }
        Tensor grad = target.gradBuffer();
        if (linear) {
            float sign = op == ArithmeticKernels.SUB && side == 1 ? -1f : 1f;
            ArithmeticKernels.reduceInto(grad.data(), targetStrides, dOut.data(), shape, sign);
        } else {
            Tensor partial = Tensor.zeros(shape);
            ArithmeticKernels.binaryBackward(op, side, partial.data(), dOut.data(), a.data(), aStrides, b.data(),
                    bStrides, shape);
            ArithmeticKernels.reduceInto(grad.data(), targetStrides, partial.data(), shape, 1f);
        }
    }
}
