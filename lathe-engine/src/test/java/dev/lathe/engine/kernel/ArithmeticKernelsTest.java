package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * SIMD kernels against their scalar twins on awkward sizes, in every layout the broadcast walker
 * produces: one run (same shape), runs with a broadcast row, a broadcast scalar per run (column),
 * a broadcast scalar overall. Element-wise results must match bit for bit (same IEEE operations
 * per element); reductions, which add in a different order, to 1e-5 relative.
 */
class ArithmeticKernelsTest {
    private static final int[] SIZES = {1, 7, 13, 207, 702};

    /** One layout: logical shape and the shapes of a and b (broadcast against it). */
    private record Layout(String name, int[] shape, int[] aShape, int[] bShape) {}

    private static Layout[] layouts(int n) {
        return new Layout[] {
            new Layout("same", new int[] {n}, new int[] {n}, new int[] {n}),
            new Layout("row", new int[] {3, n}, new int[] {3, n}, new int[] {n}),
            new Layout("rowReversed", new int[] {3, n}, new int[] {n}, new int[] {3, n}),
            new Layout("column", new int[] {n, 5}, new int[] {n, 5}, new int[] {n, 1}),
            new Layout("scalar", new int[] {2, n}, new int[] {2, n}, new int[] {1}),
            new Layout("outer", new int[] {n, 9}, new int[] {n, 1}, new int[] {1, 9}),
        };
    }

    @Test
    void binaryForwardMatchesItsScalarTwinExactlyInEveryLayout() {
        for (int n : SIZES) {
            for (Layout l : layouts(n)) {
                for (int op = ArithmeticKernels.ADD; op <= ArithmeticKernels.DIV; op++) {
                    Tensor a = Tensor.randn(n, l.aShape());
                    Tensor b = Tensor.randn(n + 1, l.bShape());
                    long[] as = ArithmeticKernels.broadcastStrides(l.aShape(), l.shape());
                    long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
                    Tensor simd = Tensor.zeros(l.shape());
                    Tensor scalar = Tensor.zeros(l.shape());
                    ArithmeticKernels.binaryForward(op, simd.data(), a.data(), as, b.data(), bs, l.shape());
                    ArithmeticKernels.binaryForwardScalar(op, scalar.data(), a.data(), as, b.data(), bs, l.shape());
                    assertThat(simd.toFloatArray()).as("%s op %d n %d", l.name(), op, n)
                            .isEqualTo(scalar.toFloatArray());
                    // The last output element reads the last element of each operand, in every layout.
                    assertThat(last(simd)).isEqualTo(expectLast(op, a, b));
                }
            }
        }
    }

    @Test
    void binaryBackwardMatchesItsScalarTwinExactlyForBothSides() {
        for (int n : SIZES) {
            for (Layout l : layouts(n)) {
                for (int op = ArithmeticKernels.ADD; op <= ArithmeticKernels.DIV; op++) {
                    for (int side = 0; side < 2; side++) {
                        Tensor a = Tensor.randn(2 * n, l.aShape());
                        Tensor b = Tensor.randn(2 * n + 1, l.bShape());
                        Tensor d = Tensor.randn(3, l.shape());
                        long[] as = ArithmeticKernels.broadcastStrides(l.aShape(), l.shape());
                        long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
                        Tensor simd = Tensor.full(0.5f, l.shape()); // backward accumulates
                        Tensor scalar = Tensor.full(0.5f, l.shape());
                        ArithmeticKernels.binaryBackward(op, side, simd.data(), d.data(), a.data(), as, b.data(), bs,
                                l.shape());
                        ArithmeticKernels.binaryBackwardScalar(op, side, scalar.data(), d.data(), a.data(), as,
                                b.data(), bs, l.shape());
                        assertThat(simd.toFloatArray()).as("%s op %d side %d n %d", l.name(), op, side, n)
                                .isEqualTo(scalar.toFloatArray());
                    }
                }
            }
        }
    }

    @Test
    void binaryBackwardOverwriteWritesWhatAccumulatingIntoZerosGivesOverGarbage() {
        for (int n : SIZES) {
            for (Layout l : layouts(n)) {
                for (int op = ArithmeticKernels.ADD; op <= ArithmeticKernels.DIV; op++) {
                    for (int side = 0; side < 2; side++) {
                        Tensor a = Tensor.randn(2 * n, l.aShape());
                        Tensor b = Tensor.randn(2 * n + 1, l.bShape());
                        Tensor d = Tensor.randn(3, l.shape());
                        long[] as = ArithmeticKernels.broadcastStrides(l.aShape(), l.shape());
                        long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
                        Tensor accumulated = Tensor.zeros(l.shape());
                        ArithmeticKernels.binaryBackward(op, side, accumulated.data(), d.data(), a.data(), as, b.data(),
                                bs, l.shape());
                        Tensor simd = Tensor.full(Float.NaN, l.shape()); // the old contents must not matter
                        Tensor scalar = Tensor.full(Float.NaN, l.shape());
                        ArithmeticKernels.binaryBackward(op, side, true, simd.data(), d.data(), a.data(), as, b.data(),
                                bs, l.shape());
                        ArithmeticKernels.binaryBackwardScalar(op, side, true, scalar.data(), d.data(), a.data(), as,
                                b.data(), bs, l.shape());
                        String what = l.name() + " op " + op + " side " + side + " n " + n;
                        assertThat(simd.toFloatArray()).as(what).isEqualTo(accumulated.toFloatArray());
                        assertThat(scalar.toFloatArray()).as(what).isEqualTo(accumulated.toFloatArray());
                    }
                }
            }
        }
    }

    @Test
    void reduceIntoMatchesItsScalarTwinAndADoubleSum() {
        for (int n : SIZES) {
            for (Layout l : layouts(n)) {
                // Reduce the full shape onto b's shape (the backward of a broadcast b).
                Tensor src = Tensor.randn(n, l.shape());
                long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
                Tensor simd = Tensor.full(1f, l.bShape());
                Tensor scalar = Tensor.full(1f, l.bShape());
                ArithmeticKernels.reduceInto(simd.data(), bs, src.data(), l.shape(), 0.5f);
                ArithmeticKernels.reduceIntoScalar(scalar.data(), bs, src.data(), l.shape(), 0.5f);
                assertClose(simd.toFloatArray(), scalar.toFloatArray(), 1e-5, l.name() + " n " + n);
            }
        }
        // A long run summed in vector lanes stays close to the exact sum.
        Tensor big = Tensor.randn(9, 100_003);
        Tensor out = Tensor.zeros();
        ArithmeticKernels.reduceInto(out.data(), new long[] {0}, big.data(), new int[] {100_003}, 1f);
        double exact = 0;
        for (float v : big.toFloatArray()) {
            exact += v;
        }
        assertThat((double) out.item()).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-3));
    }

    @Test
    void expandIntoMatchesItsScalarTwinExactly() {
        for (int n : SIZES) {
            for (Layout l : layouts(n)) {
                Tensor src = Tensor.randn(n, l.bShape());
                long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
                Tensor simd = Tensor.full(1f, l.shape());
                Tensor scalar = Tensor.full(1f, l.shape());
                ArithmeticKernels.expandInto(simd.data(), src.data(), bs, l.shape(), -2f);
                ArithmeticKernels.expandIntoScalar(scalar.data(), src.data(), bs, l.shape(), -2f);
                assertThat(simd.toFloatArray()).as(l.name() + " n " + n).isEqualTo(scalar.toFloatArray());
            }
        }
    }

    @Test
    void largeInputsSplitAcrossThreadsGiveTheSameResultAsOneThread() {
        int[] shape = {300, 257};
        Tensor a = Tensor.randn(1, shape);
        Tensor b = Tensor.randn(2, 257);
        long[] as = dev.lathe.engine.tensor.Shapes.contiguousStrides(shape);
        long[] bs = ArithmeticKernels.broadcastStrides(new int[] {257}, shape);
        Tensor simd = Tensor.zeros(shape);
        Tensor scalar = Tensor.zeros(shape);
        ArithmeticKernels.binaryForward(ArithmeticKernels.MUL, simd.data(), a.data(), as, b.data(), bs, shape);
        ArithmeticKernels.binaryForwardScalar(ArithmeticKernels.MUL, scalar.data(), a.data(), as, b.data(), bs, shape);
        assertThat(simd.toFloatArray()).isEqualTo(scalar.toFloatArray());
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        float[] out = simd.toFloatArray();
        for (int i = 0; i < out.length; i += 97) {
            assertThat(out[i]).isEqualTo(av[i] * bv[i % 257]);
        }
    }

    @Test
    void longRunsSplitIntoPiecesAcrossThreadsMatchTheScalarTwin() {
        int n = 100_003; // > 2 pieces of 16K: one same-shape run is cut across threads
        for (Layout l : new Layout[] {layouts(n)[0], layouts(n)[4]}) {
            Tensor a = Tensor.randn(5, l.aShape());
            Tensor b = Tensor.randn(6, l.bShape());
            long[] as = ArithmeticKernels.broadcastStrides(l.aShape(), l.shape());
            long[] bs = ArithmeticKernels.broadcastStrides(l.bShape(), l.shape());
            Tensor simd = Tensor.full(2f, l.shape());
            Tensor scalar = Tensor.full(2f, l.shape());
            ArithmeticKernels.binaryBackward(ArithmeticKernels.DIV, 1, simd.data(), a.data(), a.data(), as, b.data(),
                    bs, l.shape());
            ArithmeticKernels.binaryBackwardScalar(ArithmeticKernels.DIV, 1, scalar.data(), a.data(), a.data(), as,
                    b.data(), bs, l.shape());
            assertThat(simd.toFloatArray()).as(l.name()).isEqualTo(scalar.toFloatArray());
            int[] kept = l.shape().clone();
            kept[kept.length - 1] = 1; // sum over the last axis: each long run summed whole
            Tensor rowSums = Tensor.zeros(kept);
            Tensor rowSumsScalar = Tensor.zeros(kept);
            long[] rs = ArithmeticKernels.broadcastStrides(kept, l.shape());
            ArithmeticKernels.reduceInto(rowSums.data(), rs, simd.data(), l.shape(), 1f);
            ArithmeticKernels.reduceIntoScalar(rowSumsScalar.data(), rs, simd.data(), l.shape(), 1f);
            assertClose(rowSums.toFloatArray(), rowSumsScalar.toFloatArray(), 1e-5, l.name() + " row sums");
        }
    }

    private static float last(Tensor t) {
        return t.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, t.numel() - 1);
    }

    /** The last output element computed by hand: both operands' last elements. */
    private static float expectLast(int op, Tensor a, Tensor b) {
        float x = last(a);
        float y = last(b);
        return switch (op) {
            case ArithmeticKernels.ADD -> x + y;
            case ArithmeticKernels.SUB -> x - y;
            case ArithmeticKernels.MUL -> x * y;
            default -> x / y;
        };
    }

    static void assertClose(float[] actual, float[] expected, double rtol, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        double worst = 0;
        int at = 0;
        for (int i = 0; i < actual.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (!(err <= worst)) { // NaN-safe
                worst = err;
                at = i;
            }
        }
        assertThat(worst).as("%s element %d: %s vs %s", what, at, actual[at], expected[at]).isLessThanOrEqualTo(rtol);
    }
}
