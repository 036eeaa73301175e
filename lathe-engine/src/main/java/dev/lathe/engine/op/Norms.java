package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.NormKernels;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Normalisation layers over the last dimension: RMSNorm (Llama-family models, as Hugging Face
 * {@code LlamaRMSNorm} in float32) and LayerNorm (GPT-2 family, as {@code torch.nn.functional.layer_norm}).
 * Leading dimensions are flattened into rows; the forward saves the per-row statistics only when a
 * backward can follow.
 */
public final class Norms {
    private Norms() {}

    /**
     * {@code y = x / sqrt(mean(x^2, -1) + eps) * weight}. x: (..., C); weight: (C); the result has x's
     * shape. Gradients flow to x and weight.
     */
    public static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        int c = lastDim(x, "rmsNorm");
        requireVector("rmsNorm", "weight", weight, c, x);
        requireEps("rmsNorm", eps);
        Tensor xc = Views.contiguous(x);       // (..., C)
        Tensor wc = Views.contiguous(weight);  // (C)
        int rows = (int) (xc.numel() / Math.max(1, c));
        Tensor out = Tensor.zeros(xc.shape());
        boolean grad = Autograd.needsGrad(xc, wc);
        Tensor invRms = grad ? Tensor.zeros(rows) : null; // (R)
        NormKernels.rmsNormForward(out.data(), invRms == null ? null : invRms.data(), xc.data(), wc.data(), rows, c,
                eps);
        return Autograd.record(out, "rmsNorm", dOut -> NormKernels.rmsNormBackward(
                xc.requiresGrad() ? xc.gradBuffer().data() : null,
                wc.requiresGrad() ? wc.gradBuffer().data() : null,
                dOut.data(), xc.data(), wc.data(), invRms.data(), rows, c), xc, wc);
    }

    /**
     * {@code y = (x - mean) / sqrt(var + eps) * weight + bias} over the last dimension, with the
     * biased variance. x: (..., C); weight, bias: (C) or null (no scale / no shift).
     */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        int c = lastDim(x, "layerNorm");
        if (weight != null) {
            requireVector("layerNorm", "weight", weight, c, x);
        }
        if (bias != null) {
            requireVector("layerNorm", "bias", bias, c, x);
        }
        requireEps("layerNorm", eps);
        Tensor xc = Views.contiguous(x);                                   // (..., C)
        Tensor wc = weight == null ? null : Views.contiguous(weight);      // (C)
        Tensor bc = bias == null ? null : Views.contiguous(bias);          // (C)
        int rows = (int) (xc.numel() / Math.max(1, c));
        Tensor out = Tensor.zeros(xc.shape());
        boolean grad = Autograd.needsGrad(xc, wc, bc);
        Tensor mean = grad ? Tensor.zeros(rows) : null; // (R)
        Tensor rstd = grad ? Tensor.zeros(rows) : null; // (R)
        NormKernels.layerNormForward(out.data(), grad ? mean.data() : null, grad ? rstd.data() : null, xc.data(),
                data(wc), data(bc), rows, c, eps);
        return Autograd.record(out, "layerNorm", dOut -> NormKernels.layerNormBackward(
                gradData(xc), gradData(wc), gradData(bc), dOut.data(), xc.data(), data(wc), mean.data(),
                rstd.data(), rows, c), present(xc, wc, bc));
    }

    /** The non-null inputs: the graph records only tensors that exist. */
    static Tensor[] present(Tensor... inputs) {
        return Arrays.stream(inputs).filter(t -> t != null).toArray(Tensor[]::new);
    }

    private static MemorySegment data(Tensor t) {
        return t == null ? null : t.data();
    }

    private static MemorySegment gradData(Tensor t) {
        return t != null && t.requiresGrad() ? t.gradBuffer().data() : null;
    }

    private static int lastDim(Tensor x, String op) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException(op + ": x must have at least one dimension (..., C), got a scalar");
        }
        return x.dim(-1);
    }

    private static void requireVector(String op, String name, Tensor t, int c, Tensor x) {
        if (t == null || t.rank() != 1 || t.dim(0) != c) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape [" + c + "] to match x "
                    + Arrays.toString(x.shape()) + ", got " + (t == null ? "null" : Arrays.toString(t.shape())));
        }
    }

    private static void requireEps(String op, float eps) {
        if (!(eps >= 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be finite and >= 0, got " + eps);
        }
    }
}
