package dev.lathe.engine.kernel;

import java.lang.System.Logger.Level;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The one place that decides whether kernels use the Vector API, and with which vector shape.
 * Chosen once when the class initialises; when SIMD is off it logs why, and kernels take their
 * scalar twins. Set {@code -Dlathe.simd=false} to force the scalar paths (tests compare both).
 *
 * <p>It also holds the vector operations whose result the Vector API leaves loosely specified:
 * a floating-point {@code reduceLanes(ADD)} may add in any order, and {@code lanewise(EXP/TANH)}
 * are computed by a different library once C2 compiles the code than before (by the interpreter
 * and C1). Either makes the same computation give different last bits depending on how warm the
 * JIT is, which breaks run-to-run reproducibility (and exact resume of training). {@link #sum}
 * and {@link #exp} use only IEEE add, multiply, FMA and bit operations in a fixed order, so they
 * give the same bits in every tier.
 */
public final class Simd {
    /** The float species kernels use: the widest the CPU runs natively. */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    /** Whether kernels take their SIMD paths. */
    public static final boolean ENABLED = decide();

    private Simd() {}

    private static boolean decide() {
        System.Logger log = System.getLogger(Simd.class.getName());
        if (!Boolean.parseBoolean(System.getProperty("lathe.simd", "true"))) {
            log.log(Level.INFO, "SIMD kernels disabled by -Dlathe.simd=false; using scalar kernels");
            return false;
        }
        if (F.length() < 4) {
            log.log(Level.WARNING, "the preferred float vector has " + F.length()
                    + " lanes (no usable SIMD on this CPU/JVM); using scalar kernels");
            return false;
        }
        return true;
    }

    /** The sum of the lanes, added pairwise in a fixed tree order (the same bits in every JIT tier). */
    public static float sum(FloatVector v) {
        FloatVector x = v;
        for (int half = v.length() / 2; half >= 1; half /= 2) {
            x = x.add(x.slice(half)); // lane i += lane i + half (lanes past the end read as 0)
        }
        return x.lane(0);
    }

    // Cephes-style expf: x = n ln2 + r with |r| <= ln2/2, exp(r) by a degree-7 polynomial, times 2^n.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding it rounds to an integer
    private static final float EXP_MAX = 88.3762626647949f;
    private static final float EXP_MIN = -87.3365447505531f;
    private static final float P0 = 1.9875691500e-4f;
    private static final float P1 = 1.3981999507e-3f;
    private static final float P2 = 8.3334519073e-3f;
    private static final float P3 = 4.1665795894e-2f;
    private static final float P4 = 1.6666665459e-1f;
    private static final float P5 = 5.0000001201e-1f;

    /**
     * e^x per lane to within 2 ulp for x in [-87.3, 88.4]; below that 0, above it +Inf, NaN stays NaN.
     * Its scalar twin {@link #exp(float)} performs the same operations and gives the same bits.
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = c.fma(FloatVector.broadcast(x.species(), LOG2E), FloatVector.broadcast(x.species(), ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(x.species(), -LN2_HI), c);
        r = n.fma(FloatVector.broadcast(x.species(), -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(x.species(), P0), FloatVector.broadcast(x.species(), P1));
        p = p.fma(r, FloatVector.broadcast(x.species(), P2));
        p = p.fma(r, FloatVector.broadcast(x.species(), P3));
        p = p.fma(r, FloatVector.broadcast(x.species(), P4));
        p = p.fma(r, FloatVector.broadcast(x.species(), P5));
        p = p.fma(r.mul(r), r).add(1f);
        IntVector bits = ((IntVector) n.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector y = p.mul(bits.reinterpretAsFloats());
        y = y.blend(0f, x.lt(EXP_MIN));
        y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, EXP_MAX));
        return y.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** The scalar twin of {@link #exp(FloatVector)}: the same operations, the same bits. */
    public static float exp(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (x < EXP_MIN) {
            return 0f;
        }
        if (x > EXP_MAX) {
            return Float.POSITIVE_INFINITY;
        }
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, P0, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        p = Math.fma(p, r * r, r) + 1f;
        return p * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /** tanh per lane from {@link #exp}: sign(x) (1 - 2 / (e^{2|x|} + 1)); absolute error below 2e-7. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector e = exp(x.abs().mul(2f));
        FloatVector t = FloatVector.broadcast(x.species(), 1f).sub(FloatVector.broadcast(x.species(), 2f).div(e.add(1f)));
        return t.blend(t.neg(), x.lt(0f));
    }

    /** The scalar twin of {@link #tanh(FloatVector)}. */
    public static float tanh(float x) {
        float e = exp(Math.abs(x) * 2f);
        float t = 1f - 2f / (e + 1f);
        return x < 0f ? -t : t;
    }

    /** A one-line description for `lathe version` and benchmark headers. */
    public static String describe() {
        return ENABLED ? "Vector API, " + F.vectorBitSize() + "-bit (" + F.length() + " floats)" : "scalar";
    }
}
