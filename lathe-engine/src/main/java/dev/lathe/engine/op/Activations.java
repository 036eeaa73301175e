package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.ActivationKernels;
import dev.lathe.engine.kernel.ActivationKernels.Kind;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Element-wise activations with hand-written backward: SiLU, GELU (exact, via an erf accurate to
 * 1.5e-7, and PyTorch's tanh approximation) and SwiGLU, the gated unit of Llama-style MLPs
 * ({@code silu(gate) * up}). Backward recomputes from the saved inputs, so nothing extra is stored.
 */
public final class Activations {
    private Activations() {}

    /** {@code x * sigmoid(x)} (a.k.a. swish). */
    public static Tensor silu(Tensor x) {
        return unary(Kind.SILU, "silu", x);
    }

    /** Exact GELU, {@code x * Φ(x)}: PyTorch's {@code gelu(x, approximate='none')}. */
    public static Tensor gelu(Tensor x) {
        return unary(Kind.GELU, "gelu", x);
    }

    /** GELU with the tanh approximation: PyTorch's {@code gelu(x, approximate='tanh')} (GPT-2). */
    public static Tensor geluTanh(Tensor x) {
        return unary(Kind.GELU_TANH, "geluTanh", x);
    }

    /** {@code gelu(x)} or, when {@code tanhApproximation}, {@link #geluTanh}. */
    public static Tensor gelu(Tensor x, boolean tanhApproximation) {
        return tanhApproximation ? geluTanh(x) : gelu(x);
    }

    /** {@code silu(gate) * up}; gate and up have the same shape (e.g. (B, T, hidden)). */
    public static Tensor swiglu(Tensor gate, Tensor up) {
        if (!Arrays.equals(gate.shape(), up.shape())) {
            throw new IllegalArgumentException("swiglu needs gate and up of the same shape, got gate "
                    + Arrays.toString(gate.shape()) + " and up " + Arrays.toString(up.shape()));
        }
        OpChecks.requireF32("swiglu", "gate", gate);
        OpChecks.requireF32("swiglu", "up", up);
        Tensor gc = Views.contiguous(gate);
        Tensor uc = Views.contiguous(up);
        Tensor out = Tensor.zeros(gc.shape());
        long n = out.numel();
        ActivationKernels.swigluForward(out.data(), gc.data(), uc.data(), n);
        return Autograd.record(out, "swiglu", dOut -> {
            // A first gradient is written whole, not added to a zero-filled buffer (gate first: up may be gate).
            boolean freshGate = gc.requiresGrad() && !gc.hasGrad();
            MemorySegment dGate = !gc.requiresGrad() ? null
                    : (freshGate ? gc.gradBufferForOverwrite() : gc.gradBuffer()).data();
            boolean freshUp = uc.requiresGrad() && !uc.hasGrad();
            MemorySegment dUp = !uc.requiresGrad() ? null
                    : (freshUp ? uc.gradBufferForOverwrite() : uc.gradBuffer()).data();
            ActivationKernels.swigluBackward(dGate, freshGate, dUp, freshUp, dOut.data(), gc.data(), uc.data(), n);
        }, gc, uc);
    }

    private static Tensor unary(Kind kind, String name, Tensor x) {
        OpChecks.requireF32(name, "x", x);
        Tensor xc = Views.contiguous(x);
        Tensor out = Tensor.zeros(xc.shape());
        long n = out.numel();
        ActivationKernels.forward(kind, out.data(), xc.data(), n);
        return Autograd.record(out, name,
                dOut -> ActivationKernels.backward(kind, xc.gradBuffer().data(), dOut.data(), xc.data(), n), xc);
    }
}
