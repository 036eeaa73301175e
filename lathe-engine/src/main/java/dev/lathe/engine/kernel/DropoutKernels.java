package dev.lathe.engine.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Inverted dropout over {@code n} contiguous F32 elements with a counter-based mask: element i is
 * kept iff a 24-bit uniform drawn from {@code hash(key(seed), i)} is at least {@code p}. The mask is thus
 * a pure function of (seed, i): the same on every thread split and in every run, and backward
 * regenerates it instead of storing it. Kept elements are scaled by {@code 1/(1-p)} so the
 * expectation is unchanged. Scalar only (the hash dominates; there is no SIMD twin to keep honest).
 */
public final class DropoutKernels {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int GRAIN = 1 << 14;

    private DropoutKernels() {}

    /** Whether element {@code i} survives dropout with probability {@code p} of dropping. */
    public static boolean keep(long seed, long i, float p) {
        return keepKeyed(key(seed), i, p);
    }

    /**
     * The per-call key: the seed scrambled once. Without it the mask would be SplittableRandom's own
     * stream (a Weyl sequence through a SplitMix finaliser), so dropout seeded like the data's
     * generator would drop exactly the elements where that generator drew small values.
     */
    static long key(long seed) {
        long z = (seed ^ 0x6A09E667F3BCC909L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 32)) * 0xD6E8FEB86659FD93L;
        return z ^ (z >>> 32);
    }

    private static boolean keepKeyed(long key, long i, float p) {
        long z = key + (i + 1) * 0x9E3779B97F4A7C15L; // Weyl sequence through the MurmurHash3 finaliser
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        z ^= z >>> 33;
        float u = (z >>> 40) * 0x1.0p-24f; // [0, 1) in steps of 2^-24, exact in float
        return u >= p;
    }

    /** The factor kept elements are multiplied by: {@code 1/(1-p)}, or 0 when every element drops. */
    public static float scale(float p) {
        return p >= 1f ? 0f : 1f / (1f - p);
    }

    /** {@code out[i] = keep(i) ? x[i] / (1-p) : 0}. */
    public static void forward(MemorySegment out, MemorySegment x, long n, float p, long seed) {
        float s = scale(p);
        long key = key(seed);
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            for (int i = start; i < end; i++) {
                out.setAtIndex(F32, i, keepKeyed(key, i, p) ? x.getAtIndex(F32, i) * s : 0f);
            }
        });
    }

    /** {@code dX[i] += keep(i) ? dOut[i] / (1-p) : 0}, the mask regenerated from the seed. */
    public static void backward(MemorySegment dX, MemorySegment dOut, long n, float p, long seed) {
        float s = scale(p);
        long key = key(seed);
        Parallel.forRange(checkedSize(n), GRAIN, (start, end) -> {
            for (int i = start; i < end; i++) {
                if (keepKeyed(key, i, p)) {
                    dX.setAtIndex(F32, i, dX.getAtIndex(F32, i) + dOut.getAtIndex(F32, i) * s);
                }
            }
        });
    }

    private static int checkedSize(long n) {
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("element count " + n + " is outside [0, 2^31) for one kernel call");
        }
        return (int) n;
    }
}
