package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused optimizer kernels against their scalar twins. Both do the same IEEE operations in the
 * same order, so the tolerance is zero: results must agree bit for bit (also across parallel blocks).
 */
class OptimKernelsTest {

    private static final OptimKernels.AdamWScalars ADAMW =
            new OptimKernels.AdamWScalars(0.9999f, 0.9f, 0.1f, 0.999f, 0.001f, 0.0447f, 1e-8f, -0.0123f);

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 702, 3 * (1 << 14) + 5})
    void adamwSimdMatchesTheScalarTwinBitForBit(int n) {
        float[][] a = inputs(n, 4, n);
        float[][] b = copy(a);
        b[3] = abs(b[3]); // v is non-negative
        a[3] = b[3].clone();
        for (int step = 0; step < 3; step++) { // a few steps so the moments are non-trivial
            OptimKernels.adamwUpdate(seg(a[0]), seg(a[1]), seg(a[2]), seg(a[3]), n, ADAMW);
            OptimKernels.adamwUpdateScalar(seg(b[0]), seg(b[1]), seg(b[2]), seg(b[3]), n, ADAMW);
        }
        for (int k = 0; k < 4; k++) {
            assertThat(a[k]).as("array %d of %d elements", k, n).isEqualTo(b[k]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207, 702, 3 * (1 << 14) + 5})
    void sgdSimdMatchesTheScalarTwinBitForBitInEveryMode(int n) {
        for (int mode = 0; mode < 8; mode++) {
            boolean nesterov = (mode & 1) != 0;
            boolean first = (mode & 2) != 0;
            float wd = (mode & 4) != 0 ? 0.01f : 0f;
            for (float momentum : new float[] {0f, 0.9f}) {
                var k = new OptimKernels.SgdScalars(-0.05f, wd, momentum, nesterov ? 1f : 0.9f, first,
                        nesterov && momentum != 0);
                float[][] a = inputs(n, 3, 31L * mode + n);
                float[][] b = copy(a);
                OptimKernels.sgdUpdate(seg(a[0]), seg(a[1]), seg(a[2]), n, k);
                OptimKernels.sgdUpdateScalar(seg(b[0]), seg(b[1]), seg(b[2]), n, k);
                for (int j = 0; j < 3; j++) {
                    assertThat(a[j]).as("array %d, n %d, %s", j, n, k).isEqualTo(b[j]);
                }
            }
        }
    }

    private static float[][] inputs(int n, int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] out = new float[count][n];
        for (float[] x : out) {
            for (int i = 0; i < n; i++) {
                x[i] = (float) (r.nextDouble() * 2 - 1);
            }
        }
        return out;
    }

    private static float[][] copy(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
        }
        return out;
    }

    private static float[] abs(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = Math.abs(x[i]);
        }
        return out;
    }

    private static MemorySegment seg(float[] x) {
        return MemorySegment.ofArray(x);
    }
}
