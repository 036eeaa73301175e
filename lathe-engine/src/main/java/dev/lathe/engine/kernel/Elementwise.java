package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise kernels over contiguous F32 segments of {@code n} elements. Each SIMD kernel has a
 * scalar twin ({@code ...Scalar}) that tests compare it with on awkward sizes.
 */
public final class Elementwise {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private Elementwise() {}

    /** {@code acc[i] += x[i]}: the basic gradient accumulation. */
    public static void addInto(MemorySegment acc, MemorySegment x, long n) {
        if (!Simd.ENABLED) {
            addIntoScalar(acc, x, n);
            return;
        }
        long i = 0;
        long upper = n - n % S.length();
        for (; i < upper; i += S.length()) {
            long b = i * 4;
            FloatVector.fromMemorySegment(S, acc, b, NATIVE)
                    .add(FloatVector.fromMemorySegment(S, x, b, NATIVE))
                    .intoMemorySegment(acc, b, NATIVE);
        }
        for (; i < n; i++) {
            acc.setAtIndex(F32, i, acc.getAtIndex(F32, i) + x.getAtIndex(F32, i));
        }
    }

    public static void addIntoScalar(MemorySegment acc, MemorySegment x, long n) {
        for (long i = 0; i < n; i++) {
            acc.setAtIndex(F32, i, acc.getAtIndex(F32, i) + x.getAtIndex(F32, i));
        }
    }

    /** {@code acc[i] += alpha * x[i]}. */
    public static void axpy(MemorySegment acc, float alpha, MemorySegment x, long n) {
        if (!Simd.ENABLED) {
            axpyScalar(acc, alpha, x, n);
            return;
        }
        FloatVector a = FloatVector.broadcast(S, alpha);
        long i = 0;
        long upper = n - n % S.length();
        for (; i < upper; i += S.length()) {
            long b = i * 4;
            FloatVector.fromMemorySegment(S, x, b, NATIVE)
                    .fma(a, FloatVector.fromMemorySegment(S, acc, b, NATIVE))
                    .intoMemorySegment(acc, b, NATIVE);
        }
        for (; i < n; i++) {
            acc.setAtIndex(F32, i, Math.fma(alpha, x.getAtIndex(F32, i), acc.getAtIndex(F32, i)));
        }
    }

    public static void axpyScalar(MemorySegment acc, float alpha, MemorySegment x, long n) {
        for (long i = 0; i < n; i++) {
            acc.setAtIndex(F32, i, Math.fma(alpha, x.getAtIndex(F32, i), acc.getAtIndex(F32, i)));
        }
    }

    /** {@code out[i] = alpha * x[i]}. */
    public static void scale(MemorySegment out, MemorySegment x, float alpha, long n) {
        if (!Simd.ENABLED) {
            scaleScalar(out, x, alpha, n);
            return;
        }
        long i = 0;
        long upper = n - n % S.length();
        for (; i < upper; i += S.length()) {
            long b = i * 4;
            FloatVector.fromMemorySegment(S, x, b, NATIVE).mul(alpha).intoMemorySegment(out, b, NATIVE);
        }
        for (; i < n; i++) {
            out.setAtIndex(F32, i, alpha * x.getAtIndex(F32, i));
        }
    }

    public static void scaleScalar(MemorySegment out, MemorySegment x, float alpha, long n) {
        for (long i = 0; i < n; i++) {
            out.setAtIndex(F32, i, alpha * x.getAtIndex(F32, i));
        }
    }

    /** Sum of squares of {@code n} elements, accumulated in double (for gradient norms). */
    public static double sumOfSquares(MemorySegment x, long n) {
        double total = 0;
        if (Simd.ENABLED) {
            long i = 0;
            long upper = n - n % S.length();
            FloatVector acc = FloatVector.zero(S);
            int sinceFlush = 0;
            for (; i < upper; i += S.length()) {
                FloatVector v = FloatVector.fromMemorySegment(S, x, i * 4, NATIVE);
                acc = v.fma(v, acc);
                if (++sinceFlush == 256) { // bound float error on long vectors
                    total += Simd.sum(acc);
                    acc = FloatVector.zero(S);
                    sinceFlush = 0;
                }
            }
            total += Simd.sum(acc);
            for (; i < n; i++) {
                float v = x.getAtIndex(F32, i);
                total += (double) v * v;
            }
            return total;
        }
        return sumOfSquaresScalar(x, n);
    }

    public static double sumOfSquaresScalar(MemorySegment x, long n) {
        double total = 0;
        for (long i = 0; i < n; i++) {
            float v = x.getAtIndex(F32, i);
            total += (double) v * v;
        }
        return total;
    }
}
