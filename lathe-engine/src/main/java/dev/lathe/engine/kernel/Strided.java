package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Copies and accumulations between tensors of the same shape and arbitrary strides (views):
 * what view ops need forward (materialising) and backward (scattering a gradient into a view).
 * The innermost dimension is walked as a run; the outer ones by an odometer over the multi-index.
 */
public final class Strided {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    /** Below this many elements a walk stays on the calling thread. */
    private static final long PARALLEL_MIN_ELEMENTS = 1 << 16;
    /** About this many elements per parallel chunk of rows. */
    private static final int ROW_GRAIN_ELEMENTS = 1 << 14;

    private Strided() {}

    /** {@code dst[idx] = src[idx]} for every index; converts element types if they differ. */
    public static void copy(Tensor src, Tensor dst) {
        walk(src, dst, false);
    }

    /** {@code dst[idx] += src[idx]} for every index; both F32. */
    public static void accumulate(Tensor dst, Tensor src) {
        if (dst.dtype() != DType.F32 || src.dtype() != DType.F32) {
            throw new IllegalArgumentException("accumulate needs F32 tensors, got " + dst.dtype() + " and " + src.dtype());
        }
        walk(src, dst, true);
    }

    private static void walk(Tensor src, Tensor dst, boolean add) {
        int[] shape = src.shape();
        if (!Arrays.equals(shape, dst.shape())) {
            throw new IllegalArgumentException("shapes differ: " + Arrays.toString(shape) + " vs "
                    + Arrays.toString(dst.shape()));
        }
        long n = src.numel();
        if (n == 0) {
            return;
        }
        int rank = shape.length;
        int inner = rank == 0 ? 1 : shape[rank - 1];
        long rows = n / inner;
        if (n >= PARALLEL_MIN_ELEMENTS && rows >= 2 && rows <= Integer.MAX_VALUE && !repeatsElements(dst)) {
            // Rows are independent (each element of dst is written once): split them across the pool.
            Parallel.forRange((int) rows, Math.max(1, ROW_GRAIN_ELEMENTS / inner),
                    (r0, r1) -> walkRows(src, dst, add, r0, r1));
        } else {
            walkRows(src, dst, add, 0, rows);
        }
    }

    /** Whether a view reaches one element through several indices (a stride 0 on a dimension longer than 1). */
    private static boolean repeatsElements(Tensor t) {
        for (int d = 0; d < t.rank(); d++) {
            if (t.dim(d) > 1 && t.stride(d) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Walks rows [r0, r1) of the index space (a row: the last dimension; rank 0 has one row). */
    private static void walkRows(Tensor src, Tensor dst, boolean add, long r0, long r1) {
        int[] shape = src.shape();
        int rank = shape.length;
        long[] ss = src.strides();
        long[] ds = dst.strides();
        MemorySegment in = src.storage();
        MemorySegment out = dst.storage();
        DType st = src.dtype();
        DType dt = dst.dtype();
        int inner = rank == 0 ? 1 : shape[rank - 1];
        long sInner = rank == 0 ? 0 : ss[rank - 1];
        long dInner = rank == 0 ? 0 : ds[rank - 1];
        int[] idx = new int[rank];
        long sAt = src.offset();
        long dAt = dst.offset();
        long rest = r0;
        for (int d = rank - 2; d >= 0; d--) { // the outer index of row r0, last outer dimension fastest
            idx[d] = (int) (rest % shape[d]);
            rest /= shape[d];
            sAt += idx[d] * ss[d];
            dAt += idx[d] * ds[d];
        }
        boolean fastCopy = !add && st == dt && sInner == 1 && dInner == 1;
        for (long r = r0; r < r1; r++) {
            if (fastCopy) {
                MemorySegment.copy(in, sAt * st.byteSize(), out, dAt * dt.byteSize(), (long) inner * st.byteSize());
            } else if (add) {
                for (int j = 0; j < inner; j++) {
                    long d = dAt + j * dInner;
                    out.setAtIndex(F32, d, out.getAtIndex(F32, d) + in.getAtIndex(F32, sAt + j * sInner));
                }
            } else {
                for (int j = 0; j < inner; j++) {
                    Convert.store(out, dt, dAt + j * dInner, Convert.load(in, st, sAt + j * sInner));
                }
            }
            for (int d = rank - 2; d >= 0; d--) {
                idx[d]++;
                sAt += ss[d];
                dAt += ds[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                sAt -= ss[d] * shape[d];
                dAt -= ds[d] * shape[d];
                idx[d] = 0;
            }
        }
    }
}
