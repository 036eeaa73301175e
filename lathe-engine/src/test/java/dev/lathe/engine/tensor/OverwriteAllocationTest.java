package dev.lathe.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.op.Views;
import org.junit.jupiter.api.Test;

/**
 * Memory handed out for overwriting ({@link Tensor#forOverwrite}, {@link Tensor#gradBufferForOverwrite})
 * skips clearing in a pooled arena; these tests make sure the ops that take it really write all of it,
 * by filling the pool's blocks with garbage first, and that zero-filled allocation still zero-fills.
 */
class OverwriteAllocationTest {

    @Test
    void aPooledBlockTakenForOverwriteKeepsItsOldContentsWhileZerosAreStillCleared() {
        TensorArena.Pool pool = new TensorArena.Pool();
        try (TensorArena arena = TensorArena.open(pool)) {
            arena.run(() -> Tensor.full(7f, 1000));
        }
        try (TensorArena arena = TensorArena.open(pool)) {
            arena.run(() -> assertThat(Tensor.forOverwrite(1000).toFloatArray()).containsOnly(7f));
        }
        try (TensorArena arena = TensorArena.open(pool)) {
            arena.run(() -> Tensor.full(7f, 1 << 19)); // large: cleared on several threads
        }
        try (TensorArena arena = TensorArena.open(pool)) {
            arena.run(() -> assertThat(Tensor.zeros(1 << 19).toFloatArray()).containsOnly(0f));
        }
    }

    @Test
    void gradientsThroughProductsAndViewsAreTheSameWhenThePoolHoldsGarbage() {
        float[] clean = gradients(null);
        TensorArena.Pool pool = new TensorArena.Pool();
        for (int round = 0; round < 3; round++) { // after the first round every block comes back dirty
            try (TensorArena arena = TensorArena.open(pool)) {
                arena.run(() -> Tensor.full(Float.NaN, 64 * 48));
                arena.run(() -> Tensor.full(Float.NaN, 64 * 32));
            }
            assertThat(gradients(pool)).containsExactly(clean);
        }
    }

    @Test
    void anExistingGradientCannotBeTakenForOverwrite() {
        Tensor x = Tensor.zeros(3).requiresGrad(true);
        x.gradBuffer();
        assertThatThrownBy(x::gradBufferForOverwrite).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("add into gradBuffer()");
    }

    /** d/dx and d/dw of sum(reshape(transpose(x w^T)) * x w^T) for fixed x (64, 48), w (32, 48). */
    private static float[] gradients(TensorArena.Pool pool) {
        Tensor x = Tensor.uniform(1, -1f, 1f, 64, 48).requiresGrad(true);
        Tensor w = Tensor.uniform(2, -1f, 1f, 32, 48).requiresGrad(true);
        Runnable body = () -> {
            Tensor y = MatMul.linear(x, w, null); // (64, 32)
            Tensor t = Views.reshape(Views.contiguous(Views.transpose(y, 0, 1)), 64, 32);
            Autograd.backward(Reductions.sum(Arithmetic.mul(t, y)));
        };
        if (pool == null) {
            body.run();
        } else {
            try (TensorArena arena = TensorArena.open(pool)) {
                arena.run(body);
            }
        }
        float[] gx = x.grad().toFloatArray();
        float[] gw = w.grad().toFloatArray();
        float[] both = new float[gx.length + gw.length];
        System.arraycopy(gx, 0, both, 0, gx.length);
        System.arraycopy(gw, 0, both, gx.length, gw.length);
        return both;
    }
}
