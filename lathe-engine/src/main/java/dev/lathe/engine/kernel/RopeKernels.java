package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rotary position embedding kernels. {@code x} is {@code rows * T} vectors of length {@code D}
 * ({@code rows = B * H} for the usual {@code (B, H, T, D)} layout); vector {@code (r, t)} is rotated by
 * the angles of position {@code positions[t]}, whose cos/sin rows of length {@code D} come from
 * precomputed tables laid out like {@code x} (see {@code RopeTable}). HALF reads only the first
 * {@code D/2} entries of a table row; INTERLEAVED reads every entry (each element its own).
 *
 * <p>With {@code rot(x)} the pair partner, negated on the first element of each pair
 * ({@code rot(x)_i = -x_(i+D/2)}, {@code rot(x)_(i+D/2) = x_i} for HALF; {@code rot(x)_2i = -x_(2i+1)},
 * {@code rot(x)_(2i+1) = x_2i} for INTERLEAVED), forward is {@code out = x * cos + rot(x) * sin}.
 *
 * <p>Backward: each pair is multiplied by the 2x2 rotation {@code R(a)}, which is orthogonal, so
 * {@code dX = R(a)^T dOut = R(-a) dOut}: the same kernel with {@code sin} negated.
 *
 * <p>The SIMD and scalar paths evaluate the same products and sums (no FMA), so they agree exactly.
 */
public final class RopeKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** Swaps neighbouring lanes (0<->1, 2<->3, ...): the pair partner in the INTERLEAVED layout. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(S, i -> i ^ 1);
    /** -1 on even lanes, +1 on odd ones: the sign of rot(x) in the INTERLEAVED layout. */
    private static final FloatVector PAIR_SIGN = FloatVector.fromArray(S, pairSigns(), 0);

    private RopeKernels() {}

    private static float[] pairSigns() {
        float[] s = new float[S.length()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (i % 2 == 0) ? -1f : 1f;
        }
        return s;
    }

    /** {@code out = rope(x)}; {@code x} and {@code out} are {@code (rows, T, D)}, tables {@code (P, D)}. */
    public static void forward(MemorySegment out, MemorySegment x, MemorySegment cos, MemorySegment sin,
            int[] positions, int rows, int t, int d, boolean interleaved) {
        run(out, x, cos, sin, positions, rows, t, d, interleaved, false, Simd.ENABLED);
    }

    public static void forwardScalar(MemorySegment out, MemorySegment x, MemorySegment cos, MemorySegment sin,
            int[] positions, int rows, int t, int d, boolean interleaved) {
        run(out, x, cos, sin, positions, rows, t, d, interleaved, false, false);
    }

    /** {@code dX += rope_(-angle)(dOut)}: the transposed rotation (see the class note). */
    public static void backward(MemorySegment dX, MemorySegment dOut, MemorySegment cos, MemorySegment sin,
            int[] positions, int rows, int t, int d, boolean interleaved) {
        run(dX, dOut, cos, sin, positions, rows, t, d, interleaved, true, Simd.ENABLED);
    }

    public static void backwardScalar(MemorySegment dX, MemorySegment dOut, MemorySegment cos, MemorySegment sin,
            int[] positions, int rows, int t, int d, boolean interleaved) {
        run(dX, dOut, cos, sin, positions, rows, t, d, interleaved, true, false);
    }

    /** Backward is the rotation by -angle accumulated into {@code dst}; forward overwrites {@code dst}. */
    private static void run(MemorySegment dst, MemorySegment src, MemorySegment cos, MemorySegment sin,
            int[] positions, int rows, int t, int d, boolean interleaved, boolean backward, boolean simd) {
        if (d % 2 != 0) {
            throw new IllegalArgumentException("RoPE needs an even head dimension, got " + d);
        }
        int vectors = rows * t;
        Parallel.forRange(vectors, Math.max(1, 16384 / d), (start, end) -> {
            for (int n = start; n < end; n++) {
                long row = (long) n * d;
                long tableRow = (long) positions[n % t] * d;
                if (interleaved) {
                    interleavedRow(dst, src, cos, sin, row, tableRow, d, backward, simd);
                } else {
                    halfRow(dst, src, cos, sin, row, tableRow, d, backward, simd);
                }
            }
        });
    }

    private static void halfRow(MemorySegment dst, MemorySegment src, MemorySegment cos, MemorySegment sin,
            long row, long tableRow, int d, boolean backward, boolean simd) {
        int half = d / 2;
        int i = 0;
        if (simd) {
            int upper = half - half % S.length();
            for (; i < upper; i += S.length()) {
                long a = (row + i) * 4;
                long b = (row + i + half) * 4;
                FloatVector x1 = FloatVector.fromMemorySegment(S, src, a, NATIVE);
                FloatVector x2 = FloatVector.fromMemorySegment(S, src, b, NATIVE);
                FloatVector c = FloatVector.fromMemorySegment(S, cos, (tableRow + i) * 4, NATIVE);
                FloatVector s = FloatVector.fromMemorySegment(S, sin, (tableRow + i) * 4, NATIVE);
                if (backward) {
                    FloatVector.fromMemorySegment(S, dst, a, NATIVE).add(x1.mul(c).add(x2.mul(s)))
                            .intoMemorySegment(dst, a, NATIVE);
                    FloatVector.fromMemorySegment(S, dst, b, NATIVE).add(x2.mul(c).sub(x1.mul(s)))
                            .intoMemorySegment(dst, b, NATIVE);
                } else {
                    x1.mul(c).sub(x2.mul(s)).intoMemorySegment(dst, a, NATIVE);
                    x2.mul(c).add(x1.mul(s)).intoMemorySegment(dst, b, NATIVE);
                }
            }
        }
        for (; i < half; i++) {
            long a = row + i;
            long b = a + half;
            float x1 = src.getAtIndex(F32, a);
            float x2 = src.getAtIndex(F32, b);
            float c = cos.getAtIndex(F32, tableRow + i);
            float s = sin.getAtIndex(F32, tableRow + i);
            if (backward) {
                dst.setAtIndex(F32, a, dst.getAtIndex(F32, a) + (x1 * c + x2 * s));
                dst.setAtIndex(F32, b, dst.getAtIndex(F32, b) + (x2 * c - x1 * s));
            } else {
                dst.setAtIndex(F32, a, x1 * c - x2 * s);
                dst.setAtIndex(F32, b, x2 * c + x1 * s);
            }
        }
    }

    private static void interleavedRow(MemorySegment dst, MemorySegment src, MemorySegment cos, MemorySegment sin,
            long row, long tableRow, int d, boolean backward, boolean simd) {
        int j = 0;
        if (simd) {
            // Lane counts are even and rows start at even elements, so pairs never straddle vectors.
            FloatVector sign = backward ? PAIR_SIGN.neg() : PAIR_SIGN;
            int upper = d - d % S.length();
            for (; j < upper; j += S.length()) {
                long at = (row + j) * 4;
                FloatVector x = FloatVector.fromMemorySegment(S, src, at, NATIVE);
                FloatVector c = FloatVector.fromMemorySegment(S, cos, (tableRow + j) * 4, NATIVE);
                FloatVector s = FloatVector.fromMemorySegment(S, sin, (tableRow + j) * 4, NATIVE);
                FloatVector r = x.mul(c).add(x.rearrange(SWAP_PAIRS).mul(s).mul(sign));
                if (backward) {
                    r = FloatVector.fromMemorySegment(S, dst, at, NATIVE).add(r);
                }
                r.intoMemorySegment(dst, at, NATIVE);
            }
        }
        for (; j < d; j += 2) {
            long a = row + j;
            float x1 = src.getAtIndex(F32, a);
            float x2 = src.getAtIndex(F32, a + 1);
            // Each element takes its own table entry (the two are equal in a real table), as the SIMD lanes do.
            float c1 = cos.getAtIndex(F32, tableRow + j);
            float s1 = sin.getAtIndex(F32, tableRow + j);
            float c2 = cos.getAtIndex(F32, tableRow + j + 1);
            float s2 = sin.getAtIndex(F32, tableRow + j + 1);
            if (backward) {
                dst.setAtIndex(F32, a, dst.getAtIndex(F32, a) + (x1 * c1 + x2 * s1));
                dst.setAtIndex(F32, a + 1, dst.getAtIndex(F32, a + 1) + (x2 * c2 - x1 * s2));
            } else {
                dst.setAtIndex(F32, a, x1 * c1 - x2 * s1);
                dst.setAtIndex(F32, a + 1, x2 * c2 + x1 * s2);
            }
        }
    }
}
