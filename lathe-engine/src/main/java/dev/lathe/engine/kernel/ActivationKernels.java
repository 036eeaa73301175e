package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise activations over {@code n} contiguous F32 elements: SiLU, GELU (exact erf form and
 * the tanh approximation, as PyTorch's {@code gelu(approximate='none'|'tanh')}) and SwiGLU
 * ({@code silu(gate) * up}, the Llama MLP gate). Forward writes, backward accumulates into dX.
 *
 * <p>Java has no erf, so {@link #erf} combines two textbook forms. For |x| < 0.5 the Maclaurin
 * series {@code erf(x) = 2/√π · Σ (-1)^n x^(2n+1) / (n! (2n+1))} to n = 6 (truncation below 1e-9);
 * elsewhere the Chebyshev-fitted erfc of Numerical Recipes (2nd ed., §6.2, {@code erfcc}):
 * {@code erfc(z) = t exp(-z² - 1.26551223 + t P(t))}, {@code t = 1/(1 + z/2)}, {@code z = |x|},
 * degree-9 P, fractional error below 1.2e-7. The split matters in F32: near 0 the erfcc form
 * loses to rounding in {@code 1 - erfc} and in its alternating Horner sum (2.8e-7 measured), the
 * series does not. Measured maximum absolute error against float64 erf over [-6, 6]: 1.2e-7
 * (ActivationKernelsTest checks < 1.5e-7, scalar and vector). GELU uses it as the normal CDF
 * {@code Φ(x) = erfc(-x/√2)/2}, so the negative tail keeps its relative precision.
 */
public final class ActivationKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final VectorSpecies<Float> S = Simd.F;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int GRAIN = 1 << 13;

    private static final float INV_SQRT2 = 0.70710678118654752f;
    private static final float INV_SQRT_2PI = 0.39894228040143268f;
    private static final float SQRT_2_OVER_PI = 0.79788456080286536f;
    private static final float GELU_CUBIC = 0.044715f;

    // erfcc coefficients (Numerical Recipes), innermost first in Horner order below.
    private static final float C0 = -1.26551223f;
    private static final float C1 = 1.00002368f;
    private static final float C2 = 0.37409196f;
    private static final float C3 = 0.09678418f;
    private static final float C4 = -0.18628806f;
    private static final float C5 = 0.27886807f;
    private static final float C6 = -1.13520398f;
    private static final float C7 = 1.48851587f;
    private static final float C8 = -0.82215223f;
    private static final float C9 = 0.17087277f;

    // Maclaurin coefficients of erf(x)/(2x/√π) in x²: (-1)^n / (n! (2n+1)).
    private static final float TWO_OVER_SQRT_PI = 1.12837916709551257f;
    private static final float S1 = -1f / 3;
    private static final float S2 = 1f / 10;
    private static final float S3 = -1f / 42;
    private static final float S4 = 1f / 216;
    private static final float S5 = -1f / 1320;
    private static final float S6 = 1f / 9360;
    /** Below this |x| erf uses the series. */
    private static final float SERIES_LIMIT = 0.5f;

    private ActivationKernels() {}

    /** Which activation a kernel computes. */
    public enum Kind { SILU, GELU, GELU_TANH }

    // ---- public kernels ----

    /** {@code out[i] = f(x[i])} for the activation {@code kind}. */
    public static void forward(Kind kind, MemorySegment out, MemorySegment x, long n) {
        forward(kind, out, x, n, Simd.ENABLED);
    }

    public static void forwardScalar(Kind kind, MemorySegment out, MemorySegment x, long n) {
        forward(kind, out, x, n, false);
    }

    /** {@code dX[i] += dOut[i] * f'(x[i])}. */
    public static void backward(Kind kind, MemorySegment dX, MemorySegment dOut, MemorySegment x, long n) {
        backward(kind, dX, dOut, x, n, Simd.ENABLED);
    }

    public static void backwardScalar(Kind kind, MemorySegment dX, MemorySegment dOut, MemorySegment x, long n) {
        backward(kind, dX, dOut, x, n, false);
    }

    /** {@code out[i] = silu(gate[i]) * up[i]}. */
    public static void swigluForward(MemorySegment out, MemorySegment gate, MemorySegment up, long n) {
        swigluForward(out, gate, up, n, Simd.ENABLED);
    }

    public static void swigluForwardScalar(MemorySegment out, MemorySegment gate, MemorySegment up, long n) {
        swigluForward(out, gate, up, n, false);
    }

    /**
     * {@code dGate[i] += dOut[i] * up[i] * silu'(gate[i])} and {@code dUp[i] += dOut[i] * silu(gate[i])};
     * either gradient buffer may be null when that input needs none.
     */
    public static void swigluBackward(MemorySegment dGate, MemorySegment dUp, MemorySegment dOut, MemorySegment gate,
            MemorySegment up, long n) {
        swigluBackward(dGate, false, dUp, false, dOut, gate, up, n, Simd.ENABLED);
    }

    /**
     * As {@link #swigluBackward(MemorySegment, MemorySegment, MemorySegment, MemorySegment, MemorySegment, long)},
     * but a buffer whose {@code overwrite} flag is set is written ({@code =}) rather than added to, so a
     * fresh gradient buffer need not be zero-filled and read back. dUp may be the same memory as dGate
     * (gate and up the same tensor): each element's gate partial is stored before its up partial is added.
     */
    public static void swigluBackward(MemorySegment dGate, boolean overwriteGate, MemorySegment dUp,
            boolean overwriteUp, MemorySegment dOut, MemorySegment gate, MemorySegment up, long n) {
        swigluBackward(dGate, overwriteGate, dUp, overwriteUp, dOut, gate, up, n, Simd.ENABLED);
    }

    public static void swigluBackwardScalar(MemorySegment dGate, MemorySegment dUp, MemorySegment dOut,
            MemorySegment gate, MemorySegment up, long n) {
        swigluBackward(dGate, false, dUp, false, dOut, gate, up, n, false);
    }

    public static void swigluBackwardScalar(MemorySegment dGate, boolean overwriteGate, MemorySegment dUp,
            boolean overwriteUp, MemorySegment dOut, MemorySegment gate, MemorySegment up, long n) {
        swigluBackward(dGate, overwriteGate, dUp, overwriteUp, dOut, gate, up, n, false);
    }

    // ---- drivers: split into chunks, vector body, scalar tail ----

    private static void forward(Kind kind, MemorySegment out, MemorySegment x, long n, boolean simd) {
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            int i = start;
            if (simd) {
                for (; i + S.length() <= end; i += S.length()) {
                    FloatVector v = FloatVector.fromMemorySegment(S, x, i * 4L, NATIVE);
                    FloatVector r = switch (kind) {
                        case SILU -> v.mul(sigmoid(v));
                        case GELU -> v.mul(phi(v));
                        case GELU_TANH -> v.mul(0.5f).mul(Simd.tanh(tanhArg(v)).add(1f));
                    };
                    r.intoMemorySegment(out, i * 4L, NATIVE);
                }
            }
            for (; i < end; i++) {
                out.setAtIndex(F32, i, forward(kind, x.getAtIndex(F32, i)));
            }
        });
    }

    private static void backward(Kind kind, MemorySegment dX, MemorySegment dOut, MemorySegment x, long n,
            boolean simd) {
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            int i = start;
            if (simd) {
                for (; i + S.length() <= end; i += S.length()) {
                    long b = i * 4L;
                    FloatVector v = FloatVector.fromMemorySegment(S, x, b, NATIVE);
                    FloatVector d = FloatVector.fromMemorySegment(S, dOut, b, NATIVE);
                    FloatVector g = switch (kind) {
                        case SILU -> siluDerivative(v);
                        case GELU -> {
                            // d/dx xΦ(x) = Φ(x) + x φ(x), φ the standard normal density
                            FloatVector density = Simd.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
                            yield phi(v).add(v.mul(density));
                        }
                        case GELU_TANH -> {
                            // d/dx x(1+tanh u)/2 = (1+t)/2 + x(1-t²)u'/2, u' = √(2/π)(1 + 3·0.044715x²)
                            FloatVector t = Simd.tanh(tanhArg(v));
                            FloatVector du = v.mul(v).mul(3 * GELU_CUBIC).add(1f).mul(SQRT_2_OVER_PI);
                            FloatVector oneMinusT2 = t.mul(t).neg().add(1f);
                            yield t.add(1f).add(v.mul(oneMinusT2).mul(du)).mul(0.5f);
                        }
                    };
                    d.fma(g, FloatVector.fromMemorySegment(S, dX, b, NATIVE)).intoMemorySegment(dX, b, NATIVE);
                }
            }
            for (; i < end; i++) {
                dX.setAtIndex(F32, i, Math.fma(dOut.getAtIndex(F32, i), derivative(kind, x.getAtIndex(F32, i)),
                        dX.getAtIndex(F32, i)));
            }
        });
    }

    private static void swigluForward(MemorySegment out, MemorySegment gate, MemorySegment up, long n,
            boolean simd) {
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            int i = start;
            if (simd) {
                for (; i + S.length() <= end; i += S.length()) {
                    long b = i * 4L;
                    FloatVector g = FloatVector.fromMemorySegment(S, gate, b, NATIVE);
                    FloatVector u = FloatVector.fromMemorySegment(S, up, b, NATIVE);
                    g.mul(sigmoid(g)).mul(u).intoMemorySegment(out, b, NATIVE);
                }
            }
            for (; i < end; i++) {
                float g = gate.getAtIndex(F32, i);
                out.setAtIndex(F32, i, g * sigmoid(g) * up.getAtIndex(F32, i));
            }
        });
    }

    private static void swigluBackward(MemorySegment dGate, boolean overwriteGate, MemorySegment dUp,
            boolean overwriteUp, MemorySegment dOut, MemorySegment gate, MemorySegment up, long n, boolean simd) {
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            int i = start;
            if (simd) {
                FloatVector zero = FloatVector.zero(S);
                for (; i + S.length() <= end; i += S.length()) {
                    long b = i * 4L;
                    FloatVector g = FloatVector.fromMemorySegment(S, gate, b, NATIVE);
                    FloatVector d = FloatVector.fromMemorySegment(S, dOut, b, NATIVE);
                    FloatVector s = sigmoid(g); // once for both partials: the exp and divide dominate this loop
                    if (dGate != null) {
                        FloatVector u = FloatVector.fromMemorySegment(S, up, b, NATIVE);
                        FloatVector acc = overwriteGate ? zero : FloatVector.fromMemorySegment(S, dGate, b, NATIVE);
                        d.mul(u).fma(siluDerivative(g, s), acc).intoMemorySegment(dGate, b, NATIVE);
                    }
                    if (dUp != null) {
                        FloatVector acc = overwriteUp ? zero : FloatVector.fromMemorySegment(S, dUp, b, NATIVE);
                        d.fma(g.mul(s), acc).intoMemorySegment(dUp, b, NATIVE);
                    }
                }
            }
            for (; i < end; i++) {
                float g = gate.getAtIndex(F32, i);
                float d = dOut.getAtIndex(F32, i);
                if (dGate != null) {
                    float acc = overwriteGate ? 0f : dGate.getAtIndex(F32, i);
                    dGate.setAtIndex(F32, i, Math.fma(d * up.getAtIndex(F32, i), derivative(Kind.SILU, g), acc));
                }
                if (dUp != null) {
                    float acc = overwriteUp ? 0f : dUp.getAtIndex(F32, i);
                    dUp.setAtIndex(F32, i, Math.fma(d, g * sigmoid(g), acc));
                }
            }
        });
    }

    // ---- scalar math ----

    static float forward(Kind kind, float x) {
        return switch (kind) {
            case SILU -> x * sigmoid(x);
            case GELU -> x * phi(x);
            case GELU_TANH -> 0.5f * x * (1f + (float) Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
        };
    }

    static float derivative(Kind kind, float x) {
        return switch (kind) {
            case SILU -> {
                // d/dx xσ(x) = σ(x)(1 + x(1 - σ(x)))
                float s = sigmoid(x);
                yield s * (1f + x * (1f - s));
            }
            case GELU -> phi(x) + x * INV_SQRT_2PI * (float) Math.exp(-0.5f * x * x);
            case GELU_TANH -> {
                float t = (float) Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x));
                float du = SQRT_2_OVER_PI * (1f + 3 * GELU_CUBIC * x * x);
                yield 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * du;
            }
        };
    }

    /** erfc(|x|) (the building block of erf and Φ). */
    static float erfcAbs(float x) {
        float z = Math.abs(x);
        float t = 1f / (1f + 0.5f * z);
        float p = C9;
        p = Math.fma(p, t, C8);
        p = Math.fma(p, t, C7);
        p = Math.fma(p, t, C6);
        p = Math.fma(p, t, C5);
        p = Math.fma(p, t, C4);
        p = Math.fma(p, t, C3);
        p = Math.fma(p, t, C2);
        p = Math.fma(p, t, C1);
        p = Math.fma(p, t, C0);
        return t * (float) Math.exp(-z * z + p);
    }

    /** erf for |x| < 0.5 by its Maclaurin series. */
    static float erfSeries(float x) {
        float x2 = x * x;
        float q = S6;
        q = Math.fma(q, x2, S5);
        q = Math.fma(q, x2, S4);
        q = Math.fma(q, x2, S3);
        q = Math.fma(q, x2, S2);
        q = Math.fma(q, x2, S1);
        q = Math.fma(q, x2, 1f);
        return TWO_OVER_SQRT_PI * x * q;
    }

    /** The error function, absolute error below 1.5e-7 (see the class comment). */
    public static float erf(float x) {
        if (Math.abs(x) < SERIES_LIMIT) {
            return erfSeries(x);
        }
        float e = erfcAbs(x);
        return x >= 0 ? 1f - e : e - 1f;
    }

    /** Standard normal CDF Φ(x) = erfc(-x/√2)/2. */
    static float phi(float x) {
        float z = x * INV_SQRT2;
        if (Math.abs(z) < SERIES_LIMIT) {
            return 0.5f + 0.5f * erfSeries(z);
        }
        float half = 0.5f * erfcAbs(z);
        return x >= 0 ? 1f - half : half;
    }

    static float sigmoid(float x) {
        return 1f / (1f + (float) Math.exp(-x));
    }

    // ---- vector math (same formulas lane-wise) ----

    private static FloatVector erfcAbs(FloatVector x) {
        FloatVector z = x.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.fma(0.5f, 1f));
        FloatVector p = FloatVector.broadcast(S, C9);
        p = p.fma(t, FloatVector.broadcast(S, C8));
        p = p.fma(t, FloatVector.broadcast(S, C7));
        p = p.fma(t, FloatVector.broadcast(S, C6));
        p = p.fma(t, FloatVector.broadcast(S, C5));
        p = p.fma(t, FloatVector.broadcast(S, C4));
        p = p.fma(t, FloatVector.broadcast(S, C3));
        p = p.fma(t, FloatVector.broadcast(S, C2));
        p = p.fma(t, FloatVector.broadcast(S, C1));
        p = p.fma(t, FloatVector.broadcast(S, C0));
        return t.mul(Simd.exp(z.mul(z).neg().add(p)));
    }

    private static FloatVector erfSeries(FloatVector x) {
        FloatVector x2 = x.mul(x);
        FloatVector q = FloatVector.broadcast(S, S6);
        q = q.fma(x2, FloatVector.broadcast(S, S5));
        q = q.fma(x2, FloatVector.broadcast(S, S4));
        q = q.fma(x2, FloatVector.broadcast(S, S3));
        q = q.fma(x2, FloatVector.broadcast(S, S2));
        q = q.fma(x2, FloatVector.broadcast(S, S1));
        q = q.fma(x2, FloatVector.broadcast(S, 1f));
        return x.mul(TWO_OVER_SQRT_PI).mul(q);
    }

    /** Lane-wise {@link #erf(float)}, for the twin tests. */
    static FloatVector erf(FloatVector x) {
        FloatVector e = erfcAbs(x);
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        FloatVector tail = e.sub(1f).blend(e.neg().add(1f), nonNegative);
        return tail.blend(erfSeries(x), x.abs().compare(VectorOperators.LT, SERIES_LIMIT));
    }

    private static FloatVector phi(FloatVector x) {
        FloatVector z = x.mul(INV_SQRT2);
        FloatVector half = erfcAbs(z).mul(0.5f);
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        FloatVector tail = half.blend(half.neg().add(1f), nonNegative);
        FloatVector center = erfSeries(z).mul(0.5f).add(0.5f);
        return tail.blend(center, z.abs().compare(VectorOperators.LT, SERIES_LIMIT));
    }

    private static FloatVector sigmoid(FloatVector x) {
        return FloatVector.broadcast(S, 1f).div(Simd.exp(x.neg()).add(1f));
    }

    private static FloatVector siluDerivative(FloatVector x) {
        return siluDerivative(x, sigmoid(x));
    }

    /** silu'(x) = s (1 + x (1 - s)) given s = sigmoid(x). */
    private static FloatVector siluDerivative(FloatVector x, FloatVector s) {
        return s.mul(x.mul(s.neg().add(1f)).add(1f));
    }

    private static FloatVector tanhArg(FloatVector x) {
        return x.mul(x).mul(GELU_CUBIC).mul(x).add(x).mul(SQRT_2_OVER_PI);
    }

    private static int checkedSize(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("element count " + n + " is outside [0, 2^31) for one kernel call");
        }
        return (int) n;
    }
}
