package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.AttentionKernels;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Scaled dot-product attention as one autograd op: {@code softmax(q k^T * scale + mask) v}, with
 * grouped-query heads, causal masking aligned for KV-cache decoding, and key padding masks.
 *
 * <p>Shapes: {@code q (B, H, T, D)}, {@code k, v (B, KVH, S, D)} with {@code KVH} dividing {@code H}
 * (query head {@code h} uses kv head {@code h / (H / KVH)}), result {@code (B, H, T, D)}. Causal
 * attention needs {@code T <= S} and lets query {@code t} see keys {@code s <= t + (S - T)}: the
 * queries are the last {@code T} positions of the keys, as in a decode step over a cache. The key
 * mask {@code (B, S)} marks padding with 0 (any dtype; nonzero = attend). A query row left with no key
 * to attend to outputs zeros (and passes no gradient) instead of NaN.
 *
 * <p>The probabilities {@code (B, H, T, S)} are kept for backward only when an input requires a
 * gradient; inference allocates just the output.
 */
public final class Attention {
    private Attention() {}

    /** Attention with the default scale {@code 1 / sqrt(D)} and no padding mask. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal) {
        return scaledDotProductAttention(q, k, v, causal, null);
    }

    /** Attention with the default scale {@code 1 / sqrt(D)}; {@code keyMask (B, S)} may be null. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal, Tensor keyMask) {
        requireRank4(q, "q");
        return scaledDotProductAttention(q, k, v, causal, keyMask, (float) (1.0 / Math.sqrt(q.dim(3))));
    }

    /** Attention with an explicit score scale; {@code keyMask (B, S)} may be null. */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, boolean causal, Tensor keyMask,
            float scale) {
        AttentionKernels.Dims dims = validate(q, k, v, causal, keyMask, scale);
        Tensor qc = Views.contiguous(q); // (B, H, T, D)
        Tensor kc = Views.contiguous(k); // (B, KVH, S, D)
        Tensor vc = Views.contiguous(v); // (B, KVH, S, D)
        Tensor mask = keyMask == null ? null : keyMask.detach().to(DType.F32); // (B, S), contiguous copy
        boolean training = Autograd.needsGrad(qc, kc, vc);
        Tensor out = Tensor.zeros(q.shape()); // (B, H, T, D)
        Tensor probs = training ? Tensor.zeros(dims.batch(), dims.heads(), dims.queries(), dims.keys()) : null;
        AttentionKernels.forward(out.data(), probs == null ? null : probs.data(), qc.data(), kc.data(), vc.data(),
                mask == null ? null : mask.data(), dims, scale, causal);
        if (!training) {
            return out;
        }
        return Autograd.record(out, "attention", dOut -> AttentionKernels.backward(
                qc.requiresGrad() ? qc.gradBuffer().data() : null,
                kc.requiresGrad() ? kc.gradBuffer().data() : null,
                vc.requiresGrad() ? vc.gradBuffer().data() : null,
                dOut.data(), qc.data(), kc.data(), vc.data(), probs.data(), dims, scale, causal), qc, kc, vc);
    }

    private static AttentionKernels.Dims validate(Tensor q, Tensor k, Tensor v, boolean causal, Tensor keyMask,
            float scale) {
        requireRank4(q, "q");
        requireRank4(k, "k");
        requireRank4(v, "v");
        int b = q.dim(0);
        int h = q.dim(1);
        int t = q.dim(2);
        int d = q.dim(3);
        int kvh = k.dim(1);
        int s = k.dim(2);
        if (!Arrays.equals(k.shape(), v.shape())) {
            throw new IllegalArgumentException("attention k and v must have the same shape (B, KVH, S, D), got k "
                    + Arrays.toString(k.shape()) + " and v " + Arrays.toString(v.shape()));
        }
        if (k.dim(0) != b || k.dim(3) != d) {
            throw new IllegalArgumentException("attention k must be (B, KVH, S, D) with B = " + b + " and D = " + d
                    + " from q " + Arrays.toString(q.shape()) + ", got " + Arrays.toString(k.shape()));
        }
        if (h % kvh != 0) {
            throw new IllegalArgumentException("attention query heads H = " + h + " must be a multiple of kv heads "
                    + "KVH = " + kvh + " (q " + Arrays.toString(q.shape()) + ", k " + Arrays.toString(k.shape()) + ")");
        }
        if (causal && t > s) {
            throw new IllegalArgumentException("causal attention needs T <= S (queries are the last T key "
                    + "positions), got T = " + t + " and S = " + s);
        }
        if (keyMask != null && (keyMask.rank() != 2 || keyMask.dim(0) != b || keyMask.dim(1) != s)) {
            throw new IllegalArgumentException("attention keyMask must be (B, S) = [" + b + ", " + s + "], got "
                    + Arrays.toString(keyMask.shape()));
        }
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("attention scale must be finite, got " + scale);
        }
        if (q.numel() == 0 || k.numel() == 0) {
            throw new IllegalArgumentException("attention needs non-empty q and k, got q " + Arrays.toString(q.shape())
                    + " and k " + Arrays.toString(k.shape()));
        }
        return new AttentionKernels.Dims(b, h, kvh, t, s, d);
    }

    private static void requireRank4(Tensor x, String name) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("attention " + name + " must be rank 4 (B, heads, len, D), got shape "
                    + Arrays.toString(x.shape()));
        }
    }
}
