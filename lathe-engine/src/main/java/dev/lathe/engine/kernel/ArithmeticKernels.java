package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.Shapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Broadcasting arithmetic (add, sub, mul, div) and the reductions that undo a broadcast (sum over
 * axes), over contiguous F32 segments described by a logical shape and per-operand strides in
 * elements (0 along broadcast or reduced dimensions). A {@link BroadcastLayout} turns any such
 * layout into runs whose per-operand step is 0 or 1, so one SIMD run kernel serves the same-shape
 * case (a single run), row broadcasts ((R, N) op (N): R runs) and the general case alike.
 *
 * <p>Forward kernels write their output; {@code ...Backward} and {@code ...Into} kernels accumulate.
 * Each public kernel has a {@code ...Scalar} twin that walks the same layout with scalar runs.
 */
public final class ArithmeticKernels {
    public static final int ADD = 0;
    public static final int SUB = 1;
    public static final int MUL = 2;
    public static final int DIV = 3;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private ArithmeticKernels() {}

    // ---- forward: out = a op b ----

    /** {@code out[idx] = a[idx . aStrides] op b[idx . bStrides]} over {@code shape}; out is contiguous. */
    public static void binaryForward(int op, MemorySegment out, MemorySegment a, long[] aStrides, MemorySegment b,
            long[] bStrides, int[] shape) {
        binaryForward(op, out, a, aStrides, b, bStrides, shape, Simd.ENABLED);
    }

    public static void binaryForwardScalar(int op, MemorySegment out, MemorySegment a, long[] aStrides,
            MemorySegment b, long[] bStrides, int[] shape) {
        binaryForward(op, out, a, aStrides, b, bStrides, shape, false);
    }

    private static void binaryForward(int op, MemorySegment out, MemorySegment a, long[] aStrides, MemorySegment b,
            long[] bStrides, int[] shape, boolean simd) {
        checkOp(op);
        BroadcastLayout l = BroadcastLayout.of(shape, Shapes.contiguousStrides(shape), aStrides, bStrides);
        long aStep = l.step(1);
        long bStep = l.step(2);
        l.forEachRun(true, true, (at, len) -> {
            if (simd) {
                binaryRun(op, out, at[0], a, at[1], aStep, b, at[2], bStep, len);
            } else {
                binaryRunScalar(op, out, at[0], a, at[1], aStep, b, at[2], bStep, len);
            }
        });
    }

    private static void binaryRun(int op, MemorySegment out, long o, MemorySegment a, long ai, long aStep,
            MemorySegment b, long bi, long bStep, int len) {
        FloatVector ca = aStep == 0 ? FloatVector.broadcast(S, a.getAtIndex(F32, ai)) : null;
        FloatVector cb = bStep == 0 ? FloatVector.broadcast(S, b.getAtIndex(F32, bi)) : null;
        int i = 0;
        int upper = len - len % S.length();
        for (; i < upper; i += S.length()) {
            FloatVector va = ca != null ? ca : FloatVector.fromMemorySegment(S, a, (ai + i) * 4, NATIVE);
            FloatVector vb = cb != null ? cb : FloatVector.fromMemorySegment(S, b, (bi + i) * 4, NATIVE);
            FloatVector r = switch (op) {
                case ADD -> va.add(vb);
                case SUB -> va.sub(vb);
                case MUL -> va.mul(vb);
                default -> va.div(vb);
            };
            r.intoMemorySegment(out, (o + i) * 4, NATIVE);
        }
        for (; i < len; i++) {
            out.setAtIndex(F32, o + i, apply(op, a.getAtIndex(F32, ai + i * aStep), b.getAtIndex(F32, bi + i * bStep)));
        }
    }

    private static void binaryRunScalar(int op, MemorySegment out, long o, MemorySegment a, long ai, long aStep,
            MemorySegment b, long bi, long bStep, int len) {
        for (int i = 0; i < len; i++) {
            out.setAtIndex(F32, o + i, apply(op, a.getAtIndex(F32, ai + i * aStep), b.getAtIndex(F32, bi + i * bStep)));
        }
    }

    private static float apply(int op, float x, float y) {
        return switch (op) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            default -> x / y;
        };
    }

    // ---- backward: the element-wise part of d(a op b) ----

    /**
     * {@code acc[idx] += g(dOut[idx], a, b)} over {@code shape} (acc and dOut contiguous in that shape)
     * where g is the partial derivative of {@code a op b} with respect to operand {@code side} (0 = a,
     * 1 = b) times dOut: add d, sub ±d, mul d*b or d*a, div d/b or -d*a/b². Reducing the result to a
     * broadcast operand's shape is {@link #reduceInto}'s job.
     */
    public static void binaryBackward(int op, int side, MemorySegment acc, MemorySegment dOut, MemorySegment a,
            long[] aStrides, MemorySegment b, long[] bStrides, int[] shape) {
        binaryBackward(op, side, false, acc, dOut, a, aStrides, b, bStrides, shape, Simd.ENABLED);
    }

    /**
     * As {@link #binaryBackward(int, int, MemorySegment, MemorySegment, MemorySegment, long[], MemorySegment,
     * long[], int[])}, but with {@code overwrite} the partial is written ({@code acc[idx] = g}) instead of
     * added, so a fresh gradient buffer need not be zero-filled and read back.
     */
    public static void binaryBackward(int op, int side, boolean overwrite, MemorySegment acc, MemorySegment dOut,
            MemorySegment a, long[] aStrides, MemorySegment b, long[] bStrides, int[] shape) {
        binaryBackward(op, side, overwrite, acc, dOut, a, aStrides, b, bStrides, shape, Simd.ENABLED);
    }

    public static void binaryBackwardScalar(int op, int side, MemorySegment acc, MemorySegment dOut, MemorySegment a,
            long[] aStrides, MemorySegment b, long[] bStrides, int[] shape) {
        binaryBackward(op, side, false, acc, dOut, a, aStrides, b, bStrides, shape, false);
    }

    public static void binaryBackwardScalar(int op, int side, boolean overwrite, MemorySegment acc,
            MemorySegment dOut, MemorySegment a, long[] aStrides, MemorySegment b, long[] bStrides, int[] shape) {
        binaryBackward(op, side, overwrite, acc, dOut, a, aStrides, b, bStrides, shape, false);
    }

    private static void binaryBackward(int op, int side, boolean overwrite, MemorySegment acc, MemorySegment dOut,
            MemorySegment a, long[] aStrides, MemorySegment b, long[] bStrides, int[] shape, boolean simd) {
        checkOp(op);
        if (side != 0 && side != 1) {
            throw new IllegalArgumentException("side must be 0 (a) or 1 (b), got " + side);
        }
        long[] c = Shapes.contiguousStrides(shape);
        BroadcastLayout l = BroadcastLayout.of(shape, c, aStrides, bStrides);
        long aStep = l.step(1);
        long bStep = l.step(2);
        int kind = op * 2 + side;
        l.forEachRun(true, true, (at, len) -> {
            if (simd) {
                gradRun(kind, overwrite, acc, dOut, at[0], a, at[1], aStep, b, at[2], bStep, len);
            } else {
                gradRunScalar(kind, overwrite, acc, dOut, at[0], a, at[1], aStep, b, at[2], bStep, len);
            }
        });
    }

    private static void gradRun(int kind, boolean overwrite, MemorySegment acc, MemorySegment d, long o,
            MemorySegment a, long ai, long aStep, MemorySegment b, long bi, long bStep, int len) {
        FloatVector ca = aStep == 0 ? FloatVector.broadcast(S, a.getAtIndex(F32, ai)) : null;
        FloatVector cb = bStep == 0 ? FloatVector.broadcast(S, b.getAtIndex(F32, bi)) : null;
        int i = 0;
        int upper = len - len % S.length();
        for (; i < upper; i += S.length()) {
            long ob = (o + i) * 4;
            FloatVector vd = FloatVector.fromMemorySegment(S, d, ob, NATIVE);
            FloatVector va = ca != null ? ca : FloatVector.fromMemorySegment(S, a, (ai + i) * 4, NATIVE);
            FloatVector vb = cb != null ? cb : FloatVector.fromMemorySegment(S, b, (bi + i) * 4, NATIVE);
            FloatVector g = switch (kind) {
                case 2 * ADD, 2 * ADD + 1, 2 * SUB -> vd;
                case 2 * SUB + 1 -> vd.neg();
                case 2 * MUL -> vd.mul(vb);
                case 2 * MUL + 1 -> vd.mul(va);
                case 2 * DIV -> vd.div(vb);
                default -> vd.mul(va).div(vb.mul(vb)).neg();
            };
            FloatVector out = overwrite ? g : FloatVector.fromMemorySegment(S, acc, ob, NATIVE).add(g);
            out.intoMemorySegment(acc, ob, NATIVE);
        }
        gradRunScalar(kind, overwrite, acc, d, o + i, a, ai + i * aStep, aStep, b, bi + i * bStep, bStep, len - i);
    }

    private static void gradRunScalar(int kind, boolean overwrite, MemorySegment acc, MemorySegment d, long o,
            MemorySegment a, long ai, long aStep, MemorySegment b, long bi, long bStep, int len) {
        for (int i = 0; i < len; i++) {
            float g = partial(kind, d.getAtIndex(F32, o + i), a.getAtIndex(F32, ai + i * aStep),
                    b.getAtIndex(F32, bi + i * bStep));
            acc.setAtIndex(F32, o + i, overwrite ? g : acc.getAtIndex(F32, o + i) + g);
        }
    }

    private static float partial(int kind, float d, float x, float y) {
        return switch (kind) {
            case 2 * ADD, 2 * ADD + 1, 2 * SUB -> d;
            case 2 * SUB + 1 -> -d;
            case 2 * MUL -> d * y;
            case 2 * MUL + 1 -> d * x;
            case 2 * DIV -> d / y;
            default -> -(d * x / (y * y));
        };
    }

    // ---- reduce (sum over broadcast/reduced dimensions) and expand (its adjoint) ----

    /**
     * {@code acc[idx . accStrides] += alpha * src[idx]} over {@code shape}: src is contiguous in
     * shape and acc has stride 0 along the dimensions being summed away. Serves sum/mean forward and
     * the backward of broadcasting ops. Runs that write the same acc element are never split across
     * threads.
     */
    public static void reduceInto(MemorySegment acc, long[] accStrides, MemorySegment src, int[] shape, float alpha) {
        reduceInto(acc, accStrides, src, shape, alpha, Simd.ENABLED);
    }

    public static void reduceIntoScalar(MemorySegment acc, long[] accStrides, MemorySegment src, int[] shape,
            float alpha) {
        reduceInto(acc, accStrides, src, shape, alpha, false);
    }

    private static void reduceInto(MemorySegment acc, long[] accStrides, MemorySegment src, int[] shape, float alpha,
            boolean simd) {
        BroadcastLayout l = BroadcastLayout.of(shape, accStrides, Shapes.contiguousStrides(shape));
        long accStep = l.step(0);
        BroadcastLayout.RunBody body = (at, len) -> {
            if (accStep == 0) {
                float s = simd ? sumRun(src, at[1], len) : sumRunScalar(src, at[1], len);
                acc.setAtIndex(F32, at[0], acc.getAtIndex(F32, at[0]) + alpha * s);
            } else if (simd) {
                axpyRun(acc, at[0], alpha, src, at[1], len);
            } else {
                axpyRunScalar(acc, at[0], alpha, src, at[1], len);
            }
        };
        if (l.outerDistinct(0)) {
            l.forEachRun(true, accStep != 0, body); // a summed run must stay whole on one thread
        } else if (accStep == 1 && l.inner >= 128) {
            l.forEachColumnBlock(body); // e.g. a bias gradient: rows collapse onto the same columns
        } else {
            l.forEachRun(false, false, body);
        }
    }

    /**
     * {@code dst[idx] += alpha * src[idx . srcStrides]} over {@code shape} (dst contiguous): the
     * broadcast of src back to the full shape, accumulated. Backward of sum and mean.
     */
    public static void expandInto(MemorySegment dst, MemorySegment src, long[] srcStrides, int[] shape, float alpha) {
        expandInto(dst, src, srcStrides, shape, alpha, Simd.ENABLED);
    }

    public static void expandIntoScalar(MemorySegment dst, MemorySegment src, long[] srcStrides, int[] shape,
            float alpha) {
        expandInto(dst, src, srcStrides, shape, alpha, false);
    }

    private static void expandInto(MemorySegment dst, MemorySegment src, long[] srcStrides, int[] shape, float alpha,
            boolean simd) {
        BroadcastLayout l = BroadcastLayout.of(shape, Shapes.contiguousStrides(shape), srcStrides);
        long srcStep = l.step(1);
        l.forEachRun(true, true, (at, len) -> {
            if (srcStep == 0) {
                float v = alpha * src.getAtIndex(F32, at[1]);
                if (simd) {
                    addConstRun(dst, at[0], v, len);
                } else {
                    for (int i = 0; i < len; i++) {
                        dst.setAtIndex(F32, at[0] + i, dst.getAtIndex(F32, at[0] + i) + v);
                    }
                }
            } else if (simd) {
                axpyRun(dst, at[0], alpha, src, at[1], len);
            } else {
                axpyRunScalar(dst, at[0], alpha, src, at[1], len);
            }
        });
    }

    /** Sum of a run: lanes accumulate in float, flushed to double every 256 vectors to bound error. */
    private static float sumRun(MemorySegment x, long at, int len) {
        double total = 0;
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        int upper = len - len % S.length();
        int sinceFlush = 0;
        for (; i < upper; i += S.length()) {
            acc = acc.add(FloatVector.fromMemorySegment(S, x, (at + i) * 4, NATIVE));
            if (++sinceFlush == 256) {
                total += Simd.sum(acc);
                acc = FloatVector.zero(S);
                sinceFlush = 0;
            }
        }
        total += Simd.sum(acc);
        for (; i < len; i++) {
            total += x.getAtIndex(F32, at + i);
        }
        return (float) total;
    }

    private static float sumRunScalar(MemorySegment x, long at, int len) {
        double total = 0;
        for (int i = 0; i < len; i++) {
            total += x.getAtIndex(F32, at + i);
        }
        return (float) total;
    }

    private static void axpyRun(MemorySegment acc, long o, float alpha, MemorySegment x, long xi, int len) {
        FloatVector va = FloatVector.broadcast(S, alpha);
        int i = 0;
        int upper = len - len % S.length();
        for (; i < upper; i += S.length()) {
            long ob = (o + i) * 4;
            FloatVector.fromMemorySegment(S, x, (xi + i) * 4, NATIVE)
                    .fma(va, FloatVector.fromMemorySegment(S, acc, ob, NATIVE))
                    .intoMemorySegment(acc, ob, NATIVE);
        }
        for (; i < len; i++) {
            acc.setAtIndex(F32, o + i, Math.fma(alpha, x.getAtIndex(F32, xi + i), acc.getAtIndex(F32, o + i)));
        }
    }

    private static void axpyRunScalar(MemorySegment acc, long o, float alpha, MemorySegment x, long xi, int len) {
        for (int i = 0; i < len; i++) {
            acc.setAtIndex(F32, o + i, Math.fma(alpha, x.getAtIndex(F32, xi + i), acc.getAtIndex(F32, o + i)));
        }
    }

    private static void addConstRun(MemorySegment dst, long o, float v, int len) {
        FloatVector vv = FloatVector.broadcast(S, v);
        int i = 0;
        int upper = len - len % S.length();
        for (; i < upper; i += S.length()) {
            long ob = (o + i) * 4;
            FloatVector.fromMemorySegment(S, dst, ob, NATIVE).add(vv).intoMemorySegment(dst, ob, NATIVE);
        }
        for (; i < len; i++) {
            dst.setAtIndex(F32, o + i, dst.getAtIndex(F32, o + i) + v);
        }
    }

    // ---- helpers ----


    /**
     * Strides for reading a contiguous tensor of shape {@code in} as if broadcast to {@code out}
     * (right-aligned, NumPy rules): its own strides where sizes match, 0 where it is broadcast.
     */
    public static long[] broadcastStrides(int[] in, int[] out) {
        long[] own = Shapes.contiguousStrides(in);
        long[] strides = new long[out.length];
        int shift = out.length - in.length;
        for (int d = shift; d < out.length; d++) {
            strides[d] = in[d - shift] == 1 ? 0 : own[d - shift];
        }
        return strides;
    }

    private static void checkOp(int op) {
        if (op < ADD || op > DIV) {
            throw new IllegalArgumentException("unknown arithmetic op " + op + "; use ADD, SUB, MUL or DIV");
        }
    }
}
