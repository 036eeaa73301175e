package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import dev.lathe.engine.testing.GradCheck;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MatMulTest {

    /** The stored leaf of a (rows, cols) operand with batch dims; (cols, rows) when it is to be used transposed. */
    private static Tensor stored(long seed, boolean transposed, int[] batch, int rows, int cols) {
        int[] shape = new int[batch.length + 2];
        System.arraycopy(batch, 0, shape, 0, batch.length);
        shape[batch.length] = transposed ? cols : rows;
        shape[batch.length + 1] = transposed ? rows : cols;
        return Tensor.randn(seed, shape);
    }

    @Property(tries = 40)
    void matmulGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 4) int m,
            @ForAll @IntRange(min = 1, max = 4) int k, @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll @IntRange(min = 0, max = 4) int batchMode, @ForAll boolean transA, @ForAll boolean transB) {
        // 0: 2-D; 1: equal batch; 2: batched a with 2-D b; 3: broadcast (2,1) x (3); 4: 2-D a with batched b
        int[][] batches = switch (batchMode) {
            case 0 -> new int[][] {{}, {}};
            case 1 -> new int[][] {{2}, {2}};
            case 2 -> new int[][] {{2, 2}, {}};
            case 3 -> new int[][] {{2, 1}, {3}};
            default -> new int[][] {{}, {2}};
        };
        Tensor aLeaf = stored(m * 31L + k, transA, batches[0], m, k);
        Tensor bLeaf = stored(n * 17L + k, transB, batches[1], k, n);
        // GradCheck perturbs leaves, so the transposed views are taken inside the function.
        GradCheck.create().check(in -> MatMul.matmul(transA ? Views.transpose(in[0], -1, -2) : in[0],
                transB ? Views.transpose(in[1], -1, -2) : in[1]), aLeaf, bLeaf);
    }

    @Property(tries = 25)
    void linearGradientsMatchFiniteDifferences(@ForAll @IntRange(min = 1, max = 4) int rows,
            @ForAll @IntRange(min = 1, max = 5) int k, @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll boolean withBias, @ForAll boolean batched, @ForAll boolean weightTransposedView) {
        Tensor x = batched ? Tensor.randn(rows, 2, rows, k) : Tensor.randn(rows, rows, k);
        // A transposed view of a (K, N) tensor is a column-major (N, K) weight, used without copying.
        Tensor w = weightTransposedView ? Tensor.randn(n + 7L, k, n) : Tensor.randn(n + 7L, n, k);
        Tensor bias = withBias ? Tensor.randn(n + 3L, n) : null;
        GradCheck.create().check(in -> MatMul.linear(in[0],
                weightTransposedView ? Views.transpose(in[1], 0, 1) : in[1], in[2]), x, w, bias);
    }

    @Test
    void matchesPyTorchForwardAndGradients() {
        List<Golden.Case> cases = Golden.load("matmul.json");
        assertThat(cases).hasSizeGreaterThan(10);
        for (Golden.Case c : cases) {
            Tensor out;
            Tensor dout = c.tensor("dout");
            if (c.stringParam("op").equals("matmul")) {
                Tensor aStored = c.tensor("a_stored").requiresGrad(true);
                Tensor bStored = c.tensor("b_stored").requiresGrad(true);
                Tensor a = c.boolParam("a_transposed") ? Views.transpose(aStored, -1, -2) : aStored;
                Tensor b = c.boolParam("b_transposed") ? Views.transpose(bStored, -1, -2) : bStored;
                out = MatMul.matmul(a, b);
                Autograd.backward(out, dout);
                // Gradients w.r.t. the views are the stored tensors' gradients transposed back.
                Tensor da = c.boolParam("a_transposed") ? Views.transpose(aStored.grad(), -1, -2) : aStored.grad();
                Tensor db = c.boolParam("b_transposed") ? Views.transpose(bStored.grad(), -1, -2) : bStored.grad();
                Golden.assertClose(c + " dA", da, c.tensor("da"), 1e-5);
                Golden.assertClose(c + " dB", db, c.tensor("db"), 1e-5);
            } else {
                Tensor x = c.tensor("x").requiresGrad(true);
                Tensor w = c.tensor("weight").requiresGrad(true);
                Tensor bias = c.has("bias") ? c.tensor("bias").requiresGrad(true) : null;
                out = MatMul.linear(x, w, bias);
                Autograd.backward(out, dout);
                Golden.assertClose(c + " dX", x.grad(), c.tensor("dx"), 1e-5);
                Golden.assertClose(c + " dW", w.grad(), c.tensor("dweight"), 1e-5);
                if (bias != null) {
                    Golden.assertClose(c + " dBias", bias.grad(), c.tensor("dbias"), 1e-5);
                }
            }
            Golden.assertClose(c + " forward", out, c.tensor("out"), 1e-5);
        }
    }

    @Test
    void transposedViewsAreUsedWithoutACopyOrAGraphNodeForIt() {
        Tensor stored = Tensor.randn(5, 7, 4).requiresGrad(true);
        Tensor at = Views.transpose(stored, 0, 1); // (4, 7), column-major
        Tensor out = MatMul.matmul(at, Tensor.randn(6, 7, 3));
        assertThat(out.shape()).containsExactly(4, 3);
        // The node's input is the transpose view itself, not a "contiguous" copy of it.
        assertThat(out.gradFn().op()).isEqualTo("matmul");
        Tensor expected = MatMul.matmul(at.copyContiguous(), Tensor.randn(6, 7, 3));
        Golden.assertClose("transposed view vs copy", out, expected, 1e-6);
    }

    @Test
    void halfPrecisionWeightsGiveTheSameResultAsTheirF32Values() {
        Tensor w = Tensor.randn(2, 24, 16);
        // (3, 5, 16) takes the blocked kernel, a single row (1, 16) the GEMV (decode) path.
        for (Tensor x : new Tensor[] {Tensor.randn(1, 3, 5, 16), Tensor.randn(3, 1, 16)}) {
            for (DType type : new DType[] {DType.BF16, DType.F16}) {
                Tensor wh = w.to(type);
                Tensor expected = MatMul.linear(x, wh.to(DType.F32), null);
                Golden.assertClose(type + " linear", MatMul.linear(x, wh, null), expected, 1e-6);
                Tensor wt = Views.transpose(wh, 0, 1); // (16, 24) as b of matmul
                Golden.assertClose(type + " matmul", MatMul.matmul(x, wt), expected, 1e-6);
            }
        }
    }

    @Test
    void mismatchedInnerDimensionsAreRejectedNamingBothShapes() {
        assertThatThrownBy(() -> MatMul.matmul(Tensor.zeros(2, 3), Tensor.zeros(4, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[2, 3]")
                .hasMessageContaining("[4, 5]");
        assertThatThrownBy(() -> MatMul.matmul(Tensor.zeros(2, 2, 3), Tensor.zeros(3, 3, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be broadcast");
        assertThatThrownBy(() -> MatMul.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 5), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(out_features, in_features)");
        assertThatThrownBy(() -> MatMul.linear(Tensor.zeros(2, 3), Tensor.zeros(4, 3), Tensor.zeros(3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bias must have shape [4]");
    }
}
