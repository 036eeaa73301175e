package dev.lathe.engine.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Strided copies and accumulations, small (one thread) and large (rows split across the pool). */
class StridedTest {

    @Test
    void copyingATransposedViewMatchesElementByElementSmallAndLarge() {
        for (int[] shape : new int[][] {{3, 5, 7}, {8, 96, 130}}) {
            Tensor x = Tensor.uniform(3, -1f, 1f, shape);
            Tensor view = Views.transpose(x, 0, 2); // (d2, d1, d0), strides not row-major
            Tensor out = Tensor.zeros(view.shape());
            Strided.copy(view, out);
            for (int i = 0; i < shape[2]; i++) {
                for (int j = 0; j < shape[1]; j++) {
                    for (int k = 0; k < shape[0]; k++) {
                        assertThat(out.get(i, j, k)).isEqualTo(x.get(k, j, i));
                    }
                }
            }
        }
    }

    @Test
    void accumulatingIntoAViewAddsEachElementOnceSmallAndLarge() {
        for (int[] shape : new int[][] {{4, 6}, {300, 257}}) {
            Tensor src = Tensor.uniform(5, -1f, 1f, shape[1], shape[0]);
            Tensor acc = Tensor.full(2f, shape);
            Strided.accumulate(Views.transpose(acc, 0, 1), src);
            for (int i = 0; i < shape[0]; i++) {
                for (int j = 0; j < shape[1]; j++) {
                    assertThat(acc.get(i, j)).isEqualTo(2f + src.get(j, i));
                }
            }
        }
    }
}
