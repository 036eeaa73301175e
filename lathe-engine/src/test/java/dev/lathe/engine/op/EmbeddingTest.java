package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.GradCheck;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class EmbeddingTest {

    @Test
    void lookupGathersRowsIntoIdsShapePlusC() {
        Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor out = Embedding.lookup(w, new int[] {2, 0, 2, 1}, 2, 2);
        assertThat(out.shape()).containsExactly(2, 2, 2);
        assertThat(out.toFloatArray()).containsExactly(20, 21, 0, 1, 20, 21, 10, 11);
    }

    @Property(tries = 25)
    void repeatedIdsAccumulateTheirGradients(@ForAll @IntRange(min = 1, max = 3) int b,
            @ForAll @IntRange(min = 1, max = 6) int t, @ForAll @IntRange(min = 1, max = 4) int v,
            @ForAll @IntRange(min = 1, max = 5) int c) {
        SplittableRandom random = new SplittableRandom(b * 1000L + t * 100L + v * 10L + c);
        int[] ids = random.ints(b * t, 0, v).toArray(); // with v small, ids repeat
        GradCheck.create().check(in -> Embedding.lookup(in[0], ids, b, t), Tensor.randn(v + c, v, c));
    }

    @Test
    void gradientRowsAreSumsOverPositions() {
        Tensor w = Tensor.randn(1, 4, 3).requiresGrad(true);
        Tensor out = Embedding.lookup(w, new int[] {1, 1, 1, 3}, 4);
        Autograd.backward(out, Tensor.full(1f, 4, 3));
        assertThat(w.grad().toFloatArray()).containsExactly(0, 0, 0, 3, 3, 3, 0, 0, 0, 1, 1, 1);
    }

    @Test
    void outOfRangeIdsNameTheIdThePositionAndV() {
        Tensor w = Tensor.zeros(5, 2);
        assertThatThrownBy(() -> Embedding.lookup(w, new int[] {0, 1, 2, 7}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("id 7").hasMessageContaining("position 3 [1, 1]").hasMessageContaining("V = 5");
        assertThatThrownBy(() -> Embedding.lookup(w, new int[] {-1}, 1)).hasMessageContaining("id -1");
        assertThatThrownBy(() -> Embedding.lookup(w, new int[] {0, 1, 2}, 2, 2)).hasMessageContaining("3 ids");
        assertThatThrownBy(() -> Embedding.lookup(Tensor.zeros(5), new int[] {0}, 1)).hasMessageContaining("(V, C)");
    }

    @Test
    void aStorageTypeTableIsConvertedRowByRow() {
        Tensor w = Tensor.randn(2, 6, 8);
        Tensor half = w.to(DType.BF16);
        int[] ids = {5, 0, 5};
        Tensor out = Embedding.lookup(half, ids, 3);
        assertThat(out.dtype()).isEqualTo(DType.F32);
        assertThat(out.requiresGrad()).isFalse();
        float[] expected = Embedding.lookup(half.to(DType.F32), ids, 3).toFloatArray();
        assertThat(out.toFloatArray()).containsExactly(expected);
    }

    @Test
    void theCallersIdArrayMayChangeBeforeBackward() {
        Tensor w = Tensor.randn(3, 3, 2).requiresGrad(true);
        int[] ids = {0, 2};
        Tensor out = Embedding.lookup(w, ids, 2);
        ids[0] = 1;
        Autograd.backward(out, Tensor.full(1f, 2, 2));
        assertThat(w.grad().toFloatArray()).containsExactly(1, 1, 0, 0, 1, 1);
    }
}
