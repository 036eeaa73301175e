package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttentionKernelsTest {

    /**
     * SIMD reassociates the D-long dot products, so results differ from the scalar twin by rounding:
     * allowed 1e-5 relative to max(1, |value|).
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 13, 207})
    void simdAndScalarPathsAgreeOnAwkwardHeadDims(int d) {
        for (int s : new int[] {1, 7, 13}) {
            for (boolean causal : new boolean[] {false, true}) {
                compare(new AttentionKernels.Dims(2, 4, 2, Math.min(s, 3), s, d), causal, s > 1);
            }
        }
    }

    /**
     * Eight queries or more take the blocked GEMM path: query blocks that straddle the block size, keys
     * beyond the queries (a cache or prefix), grouped kv heads, padding and causal masks, and a row whose
     * only visible key is masked (it must come out zero).
     */
    @ParameterizedTest
    @ValueSource(ints = {8, 53})
    void blockedPathAgreesWithTheScalarTwinOnManyQueries(int t) {
        for (int extra : new int[] {0, 5}) {
            for (boolean causal : new boolean[] {false, true}) {
                compare(new AttentionKernels.Dims(2, 4, 2, t, t + extra, 24), causal, true);
            }
        }
    }

    private static void compare(AttentionKernels.Dims dims, boolean causal, boolean masked) {
        int b = dims.batch();
        int h = dims.heads();
        int kvh = dims.kvHeads();
        int t = dims.queries();
        int s = dims.keys();
        int d = dims.headDim();
        long seed = 1000L * d + 10L * s + (causal ? 1 : 0);
        Tensor q = Tensor.randn(seed, b, h, t, d);
        Tensor k = Tensor.randn(seed + 1, b, kvh, s, d);
        Tensor v = Tensor.randn(seed + 2, b, kvh, s, d);
        Tensor dOut = Tensor.randn(seed + 3, b, h, t, d);
        Tensor mask = Tensor.full(1f, b, s);
        if (masked) {
            mask.set(0f, 0, 0);
            mask.set(0f, 1, s - 1);
        }
        float scale = (float) (1 / Math.sqrt(d));

        Tensor[] simd = run(dims, q, k, v, dOut, mask, scale, causal, true);
        Tensor[] scalar = run(dims, q, k, v, dOut, mask, scale, causal, false);
        String[] names = {"out", "probs", "dQ", "dK", "dV"};
        for (int i = 0; i < names.length; i++) {
            assertClose(names[i] + " " + dims + " causal=" + causal, simd[i], scalar[i], 1e-5);
        }
    }

    private static Tensor[] run(AttentionKernels.Dims dims, Tensor q, Tensor k, Tensor v, Tensor dOut, Tensor mask,
            float scale, boolean causal, boolean simd) {
        Tensor out = Tensor.zeros(q.shape());
        Tensor probs = Tensor.zeros(dims.batch(), dims.heads(), dims.queries(), dims.keys());
        Tensor dQ = Tensor.full(0.25f, q.shape());
        Tensor dK = Tensor.full(0.25f, k.shape());
        Tensor dV = Tensor.full(0.25f, v.shape());
        if (simd) {
            AttentionKernels.forward(out.data(), probs.data(), q.data(), k.data(), v.data(), mask.data(), dims,
                    scale, causal);
            AttentionKernels.backward(dQ.data(), dK.data(), dV.data(), dOut.data(), q.data(), k.data(), v.data(),
                    probs.data(), dims, scale, causal);
        } else {
            AttentionKernels.forwardScalar(out.data(), probs.data(), q.data(), k.data(), v.data(), mask.data(), dims,
                    scale, causal);
            AttentionKernels.backwardScalar(dQ.data(), dK.data(), dV.data(), dOut.data(), q.data(), k.data(),
                    v.data(), probs.data(), dims, scale, causal);
        }
        return new Tensor[] {out, probs, dQ, dK, dV};
    }

    private static void assertClose(String what, Tensor a, Tensor b, double rtol) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        int worst = 0;
        double worstErr = -1;
        for (int i = 0; i < x.length; i++) {
            double err = Math.abs((double) x[i] - y[i]) / Math.max(1, Math.abs(y[i]));
            if (!(err <= worstErr)) { // NaN counts as worst
                worst = i;
                worstErr = err;
            }
        }
        if (x.length > 0) {
            assertThat(worstErr).as("%s element %d: simd %s scalar %s", what, worst, x[worst], y[worst])
                    .isLessThanOrEqualTo(rtol);
        }
    }
}
