package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.kernel.Gemm;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Shapes;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Matrix products with autograd: {@link #matmul} (batched, broadcasting like {@code torch.matmul}
 * for rank >= 2) and {@link #linear} ({@code x W^T + b} with W stored (N, K) like nn.Linear).
 *
 * <p>Operands are used in place whenever their last two dimensions are row-major or column-major
 * with any leading dimension (so a transposed view costs nothing) and batch dimensions have any
 * strides (broadcast dimensions simply repeat an offset); only other layouts are copied.
 * The right operand may be F16/BF16 storage (weights), converted inside the kernel.
 *
 * <p>Backward, for out = A B: dA = dOut B^T and dB = A^T dOut, each accumulated (beta = 1) into
 * the gradient buffers; a broadcast batch dimension sums its items' contributions.
 */
public final class MatMul {
    private MatMul() {}

    /** How the kernels address a stored matrix: transposed storage or not, and its leading dimension. */
    private record Layout(boolean trans, int ld) {}

    /**
     * The layout of a (rows, cols) matrix with these strides, or null when it is neither row- nor
     * column-major. Strides of size-1 dimensions are irrelevant and ignored.
     */
    private static Layout layout(int rows, int cols, long rowStride, long colStride) {
        if ((cols <= 1 || colStride == 1) && (rows <= 1 || (rowStride >= cols && rowStride <= Integer.MAX_VALUE))) {
            return new Layout(false, rows <= 1 ? Math.max(1, cols) : (int) rowStride);
        }
        if ((rows <= 1 || rowStride == 1) && (cols <= 1 || (colStride >= rows && colStride <= Integer.MAX_VALUE))) {
            return new Layout(true, cols <= 1 ? Math.max(1, rows) : (int) colStride);
        }
        return null;
    }

    /** A layout for the last two dimensions of {@code t}, or null. */
    private static Layout layoutOf(Tensor t) {
        return layout(t.dim(-2), t.dim(-1), t.stride(-2), t.stride(-1));
    }

    /**
     * {@code a (..., M, K) x b (..., K, N) -> (..., M, N)} with the batch dimensions broadcast
     * (NumPy rules), for example (B, T, C) x (C, N) or (B, H, T, D) x (B, H, D, T).
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul needs operands of rank >= 2, got a " + Arrays.toString(a.shape())
                    + " and b " + Arrays.toString(b.shape()) + "; reshape vectors to (1, K) or (K, 1)");
        }
        int m = a.dim(-2);
        int k = a.dim(-1);
        int n = b.dim(-1);
        if (b.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: a " + Arrays.toString(a.shape()) + " has K = " + k
                    + " columns but b " + Arrays.toString(b.shape()) + " has " + b.dim(-2) + " rows");
        }
        Tensor a0 = a.dtype() == DType.F32 ? a : a.to(DType.F32);
        Layout la = layoutOf(a0);
        if (la == null) {
            a0 = Views.contiguous(a0);
            la = layoutOf(a0);
        }
        Tensor b0 = b;
        Layout lb = layoutOf(b0);
        if (lb == null) {
            b0 = b.dtype() == DType.F32 ? Views.contiguous(b) : b.copyContiguous();
            lb = layoutOf(b0);
        }
        int[] aBatch = Arrays.copyOf(a0.shape(), a0.rank() - 2);
        int[] bBatch = Arrays.copyOf(b0.shape(), b0.rank() - 2);
        int[] batch = Shapes.broadcast(aBatch, bBatch);
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.forOverwrite(outShape); // the products (beta = 0) write all of it
        int count = (int) Shapes.numel(batch);
        if (count == 0 || m == 0 || n == 0) {
            return out;
        }
        Tensor ta = a0;
        Tensor tb = b0;
        Layout fa = la;
        Layout fb = lb;
        // Offsets of each output item's operands; a broadcast dimension contributes nothing.
        long[] aOffs = batchOffsets(a0, batch);
        long[] bOffs = batchOffsets(b0, batch);
        long[] cOffs = new long[count];
        for (int i = 0; i < count; i++) {
            cOffs[i] = (long) i * m * n;
        }
        // (B, T, C) x (C, N) with row-major a: one product with B*T rows, not B small ones.
        boolean flat = Shapes.numel(bBatch) == 1 && !la.trans() && collapsible(a0, m, la.ld());
        MemorySegment c = out.data();
        int threads = Parallel.threads();
        if (flat) {
            Gemm.gemm(threads, false, lb.trans(), count * m, n, k, 1f, ta.storage(), ta.offset(), fa.ld(),
                    tb.storage(), tb.dtype(), tb.offset(), fb.ld(), 0f, c, 0, n);
        } else {
            Gemm.gemmBatched(threads, count, fa.trans(), fb.trans(), m, n, k, 1f, ta.storage(), aOffs, fa.ld(),
                    tb.storage(), tb.dtype(), bOffs, fb.ld(), 0f, c, cOffs, n);
        }
        return Autograd.record(out, "matmul", dOut -> {
            MemorySegment g = dOut.data();
            if (ta.requiresGrad()) {
                // dA (M, K) += dOut (M, N) op(B)^T; op(B)^T is B's storage read with the opposite flag.
                if (flat) {
                    float beta = ta.hasGrad() ? 1f : 0f; // the first gradient here overwrites an uncleared buffer
                    MemorySegment dA = gradTarget(ta).data();
                    Gemm.gemm(threads, false, !fb.trans(), count * m, k, n, 1f, g, 0, n, tb.storage(), tb.dtype(),
                            tb.offset(), fb.ld(), beta, dA, 0, k);
                } else {
                    MemorySegment dA = ta.gradBuffer().data();
                    Gemm.gemmBatched(threads, count, false, !fb.trans(), m, k, n, 1f, g, cOffs, n, tb.storage(),
                            tb.dtype(), bOffs, fb.ld(), 1f, dA, gradOffsets(aBatch, batch, (long) m * k), k);
                }
            }
            if (tb.requiresGrad()) {
                // dB (K, N) += op(A)^T dOut (M, N); summed over batch items that share B.
                if (flat) {
                    float beta = tb.hasGrad() ? 1f : 0f;
                    MemorySegment dB = gradTarget(tb).data();
                    Gemm.gemm(threads, true, false, k, n, count * m, 1f, ta.storage(), ta.offset(), fa.ld(), g,
                            DType.F32, 0, n, beta, dB, 0, n);
                } else {
                    MemorySegment dB = tb.gradBuffer().data();
                    Gemm.gemmBatched(threads, count, !fa.trans(), false, k, n, m, 1f, ta.storage(), aOffs, fa.ld(),
                            g, DType.F32, cOffs, n, 1f, dB, gradOffsets(bBatch, batch, (long) k * n), n);
                }
            }
        }, ta, tb);
    }

    /**
     * {@code x (..., K) W^T + bias -> (..., N)} with {@code weight} (N, K) as nn.Linear stores it
     * (any row/column-major view, F32/F16/BF16) and {@code bias} (N) or null.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.rank() < 1 || weight.rank() != 2) {
            throw new IllegalArgumentException("linear needs x (..., K) and weight (N, K), got x "
                    + Arrays.toString(x.shape()) + " and weight " + Arrays.toString(weight.shape()));
        }
        int k = x.dim(-1);
        int n = weight.dim(0);
        if (weight.dim(1) != k) {
            throw new IllegalArgumentException("linear: x " + Arrays.toString(x.shape()) + " has K = " + k
                    + " features but weight " + Arrays.toString(weight.shape()) + " expects " + weight.dim(1)
                    + " (weight is (N, K) = (out_features, in_features))");
        }
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != n)) {
            throw new IllegalArgumentException("linear: bias must have shape [" + n + "] to match weight "
                    + Arrays.toString(weight.shape()) + ", got " + Arrays.toString(bias.shape()));
        }
        Tensor xc = Views.contiguous(x.dtype() == DType.F32 ? x : x.to(DType.F32));
        Tensor w = weight;
        Layout lw = layoutOf(w);
        if (lw == null) {
            w = weight.dtype() == DType.F32 ? Views.contiguous(weight) : weight.copyContiguous();
            lw = layoutOf(w);
        }
        Tensor bc = bias == null ? null : Views.contiguous(bias.dtype() == DType.F32 ? bias : bias.to(DType.F32));
        int[] outShape = xc.shape();
        outShape[outShape.length - 1] = n;
        Tensor out = Tensor.forOverwrite(outShape); // the bias rows, then the product, write all of it
        int rows = (int) Shapes.numel(Arrays.copyOf(xc.shape(), xc.rank() - 1)); // M = prod(...)
        MemorySegment c = out.data();
        if (bc != null) {
            MemorySegment bs = bc.data();
            for (int r = 0; r < rows; r++) {
                MemorySegment.copy(bs, 0, c, (long) r * n * 4, (long) n * 4);
            }
        }
        // As the right operand (K, N), W^T: W stored (N, K) row-major is "transposed storage".
        Tensor tw = w;
        Layout fw = lw;
        int m = rows;
        Gemm.gemm(Parallel.threads(), false, !fw.trans(), m, n, k, 1f, xc.data(), 0, k, tw.storage(), tw.dtype(),
                tw.offset(), fw.ld(), bc == null ? 0f : 1f, c, 0, n);
        Tensor[] inputs = bc == null ? new Tensor[] {xc, tw} : new Tensor[] {xc, tw, bc};
        return Autograd.record(out, "linear", dOut -> {
            MemorySegment g = dOut.data();
            // The first gradient to reach X or W overwrites its uncleared buffer (beta = 0); later ones add.
            if (xc.requiresGrad()) { // dX (M, K) += dOut (M, N) W (N, K)
                float beta = xc.hasGrad() ? 1f : 0f;
                Gemm.gemm(Parallel.threads(), false, fw.trans(), m, k, n, 1f, g, 0, n, tw.storage(), tw.dtype(),
                        tw.offset(), fw.ld(), beta, gradTarget(xc).data(), 0, k);
            }
            if (tw.requiresGrad()) { // dW (N, K) += dOut^T (N, M) X (M, K)
                float beta = tw.hasGrad() ? 1f : 0f;
                Gemm.gemm(Parallel.threads(), true, false, n, k, m, 1f, g, 0, n, xc.data(), DType.F32, 0, k, beta,
                        gradTarget(tw).data(), 0, k);
            }
            if (bc != null && bc.requiresGrad()) { // dBias (N) += sum over rows of dOut
                MemorySegment dBias = bc.gradBuffer().data();
                for (int r = 0; r < m; r++) {
                    Elementwise.addInto(dBias, g.asSlice((long) r * n * 4, (long) n * 4), n);
                }
            }
        }, inputs);
    }

    /**
     * The buffer a product's gradient goes to: the existing gradient (to add into, beta = 1), or for
     * the first gradient an uncleared buffer the product overwrites whole (beta = 0).
     */
    private static Tensor gradTarget(Tensor t) {
        return t.hasGrad() ? t.gradBuffer() : t.gradBufferForOverwrite();
    }

    /** Element offset of each broadcast batch item's matrix in {@code t} (batch strides; 0 where broadcast). */
    private static long[] batchOffsets(Tensor t, int[] batch) {
        int rank = batch.length;
        int own = t.rank() - 2;
        int[] shape = t.shape();
        long[] strides = t.strides();
        long[] step = new long[rank];
        for (int d = 0; d < rank; d++) {
            int td = d - (rank - own);
            step[d] = td < 0 || shape[td] == 1 ? 0 : strides[td];
        }
        return odometer(batch, step, t.offset());
    }

    /** Offsets into a contiguous gradient buffer of batch shape {@code own} for each broadcast item. */
    private static long[] gradOffsets(int[] own, int[] batch, long matrixSize) {
        int rank = batch.length;
        long[] ownStrides = Shapes.contiguousStrides(own);
        long[] step = new long[rank];
        for (int d = 0; d < rank; d++) {
            int td = d - (rank - own.length);
            step[d] = td < 0 || own[td] == 1 ? 0 : ownStrides[td] * matrixSize;
        }
        return odometer(batch, step, 0);
    }

    private static long[] odometer(int[] batch, long[] step, long base) {
        int count = (int) Shapes.numel(batch);
        long[] offs = new long[count];
        int[] idx = new int[batch.length];
        long at = base;
        for (int i = 0; i < count; i++) {
            offs[i] = at;
            for (int d = batch.length - 1; d >= 0; d--) {
                idx[d]++;
                at += step[d];
                if (idx[d] < batch[d]) {
                    break;
                }
                at -= step[d] * batch[d];
                idx[d] = 0;
            }
        }
        return offs;
    }

    /** Whether a's batch dimensions and its rows form one run of rows {@code ld} apart. */
    private static boolean collapsible(Tensor a, int m, int ld) {
        long expected = (long) m * ld;
        for (int d = a.rank() - 3; d >= 0; d--) {
            if (a.dim(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.dim(d);
        }
        return true;
    }
}
