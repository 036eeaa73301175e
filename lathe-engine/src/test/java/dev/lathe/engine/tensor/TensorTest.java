package dev.lathe.engine.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorTest {

    @Test
    void aNewTensorIsContiguousZeroFilledAndRowMajor() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertThat(t.strides()).containsExactly(12, 4, 1);
        assertThat(t.isContiguous()).isTrue();
        assertThat(t.numel()).isEqualTo(24);
        assertThat(t.toFloatArray()).containsOnly(0f);
    }

    @Test
    void elementsAreAddressedThroughStrides() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(t.get(1, 2)).isEqualTo(6f);
        t.set(9f, 0, 1);
        assertThat(t.toFloatArray()).containsExactly(1, 9, 3, 4, 5, 6);
        assertThatThrownBy(() -> t.get(2, 0)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("dimension 0");
    }

    @Test
    void valuesMustFillTheShapeExactly() {
        assertThatThrownBy(() -> Tensor.of(new float[5], 2, 3))
                .hasMessageContaining("5 values").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> Tensor.zeros(2, -1)).hasMessageContaining("negative");
    }

    @Test
    void seededRandomTensorsAreReproducible() {
        assertThat(Tensor.randn(7, 3, 5).toFloatArray()).containsExactly(Tensor.randn(7, 3, 5).toFloatArray());
        assertThat(Tensor.randn(7, 3, 5).toFloatArray()).isNotEqualTo(Tensor.randn(8, 3, 5).toFloatArray());
        float[] u = Tensor.uniform(1, -2f, 3f, 1000).toFloatArray();
        for (float v : u) {
            assertThat(v).isBetween(-2f, 3f);
        }
    }

    @Test
    void halfPrecisionStorageRoundTripsThroughF32() {
        float[] values = {0f, -0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 3.1415927f, Float.POSITIVE_INFINITY};
        Tensor f32 = Tensor.of(values, values.length);
        Tensor f16 = f32.to(DType.F16);
        assertThat(f16.dtype()).isEqualTo(DType.F16);
        assertThat(f16.data().byteSize()).isEqualTo(2L * values.length);
        float[] back = f16.to(DType.F32).toFloatArray();
        assertThat(back[6]).isEqualTo(3.140625f); // nearest binary16 to pi
        for (int i = 0; i < 6; i++) {
            assertThat(back[i]).isEqualTo(values[i]);
        }
        assertThat(back[7]).isInfinite();
    }

    @Test
    void bfloat16RoundsToNearestEvenAndKeepsNaN() {
        Tensor t = Tensor.of(new float[] {1f, 1.00390625f, 1.01171875f, -3.1415927f, Float.NaN}, 5);
        float[] back = t.to(DType.BF16).to(DType.F32).toFloatArray();
        assertThat(back[0]).isEqualTo(1f);
        assertThat(back[1]).isEqualTo(1f);           // halfway: ties to even (down)
        assertThat(back[2]).isEqualTo(1.015625f);    // halfway: ties to even (up)
        assertThat(back[3]).isEqualTo(-3.140625f);
        assertThat(back[4]).isNaN();
    }

    @Test
    void aMemoryMappedFileIsUsedInPlaceWithoutCopying(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.bin");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocate(4 * 6);
            for (int i = 0; i < 6; i++) {
                src.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 1.5f);
            }
            Files.write(file, src.toArray(ValueLayout.JAVA_BYTE));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            Tensor w = Tensor.wrap(mapped, DType.F32, 2, 3);
            assertThat(w.storage()).isSameAs(mapped);
            assertThat(w.get(1, 2)).isEqualTo(7.5f);
            assertThatThrownBy(() -> Tensor.wrap(mapped, DType.F32, 4, 3)).hasMessageContaining("too small");
        }
    }

    @Test
    void tensorsInAClosedArenaCannotBeReadAnymore() {
        Tensor t;
        try (TensorArena arena = TensorArena.open()) {
            t = arena.call(() -> Tensor.full(2f, 4, 4));
            assertThat(t.storage().isNative()).isTrue();
            assertThat(t.get(3, 3)).isEqualTo(2f);
        }
        Tensor freed = t;
        assertThatThrownBy(() -> freed.get(0, 0)).isInstanceOf(IllegalStateException.class);
        assertThat(Tensor.zeros(2).storage().isNative()).as("outside an arena: heap").isFalse();
    }

    @Test
    void aPooledArenaReusesTheMemoryOfTheLastOneZeroedAndStillFailsAfterClose() {
        TensorArena.Pool pool = new TensorArena.Pool();
        Tensor first;
        try (TensorArena arena = TensorArena.open(pool)) {
            first = arena.call(() -> Tensor.full(3f, 4, 4));
            assertThat(pool.retainedBytes()).as("lent out, not retained").isZero();
        }
        assertThat(pool.retainedBytes()).isEqualTo(64);
        Tensor stale = first;
        assertThatThrownBy(() -> stale.get(0, 0)).isInstanceOf(IllegalStateException.class);
        try (TensorArena arena = TensorArena.open(pool)) {
            Tensor again = arena.call(() -> Tensor.zeros(16));
            Tensor other = arena.call(() -> Tensor.zeros(3)); // no block of this size: a new one
            assertThat(pool.retainedBytes()).as("the 64-byte block was taken again").isZero();
            assertThat(again.toFloatArray()).as("reused memory is cleared").containsOnly(0f);
            assertThat(other.toFloatArray()).containsOnly(0f);
        }
        assertThat(pool.retainedBytes()).isEqualTo(64 + 12);
        pool.clear();
        assertThat(pool.retainedBytes()).isZero();
    }

    @Test
    void arenaTensorsCanBeUsedFromSeveralThreads() throws Exception {
        try (TensorArena arena = TensorArena.open(); ExecutorService pool = Executors.newFixedThreadPool(4)) {
            Tensor t = arena.call(() -> Tensor.zeros(4, 1000));
            Future<?>[] jobs = new Future<?>[4];
            for (int r = 0; r < 4; r++) {
                int row = r;
                jobs[r] = pool.submit(() -> {
                    for (int c = 0; c < 1000; c++) {
                        t.set(row + c, row, c);
                    }
                });
            }
            for (Future<?> job : jobs) {
                job.get();
            }
            assertThat(t.get(3, 999)).isEqualTo(1002f);
        }
    }

    @Test
    void aParametersGradientOutlivesTheArenaOfTheStepThatProducedIt() {
        Tensor w = Tensor.randn(1, 3).requiresGrad(true);
        try (TensorArena arena = TensorArena.open()) {
            arena.run(() -> dev.lathe.engine.autograd.Autograd.backward(
                    dev.lathe.engine.op.Views.reshape(w, 3, 1), Tensor.full(2f, 3, 1)));
        }
        assertThat(w.grad().toFloatArray()).containsExactly(2f, 2f, 2f);
    }

    @Test
    void gradientsAreOnlyForF32Tensors() {
        Tensor half = Tensor.zeros(3).to(DType.BF16);
        assertThatThrownBy(() -> half.requiresGrad(true)).hasMessageContaining("BF16");
    }

    @Test
    void aClearedLeafGradientIsNullThenComesBackZeroedInTheSameMemory() {
        Tensor w = Tensor.zeros(4, 3).requiresGrad(true);
        Tensor g = w.gradBuffer();
        g.data().setAtIndex(ValueLayout.JAVA_FLOAT, 5, 2.5f);
        w.zeroGrad();
        assertThat(w.grad()).isNull();
        Tensor again = w.gradBuffer();
        assertThat(again.toFloatArray()).containsOnly(0f);
        assertThat(again.data().address()).isEqualTo(g.data().address());
        assertThat(again.data().heapBase()).isEqualTo(g.data().heapBase());
    }

    @Test
    void aGradientHandedInWithSetGradIsNeverReusedAndCleared() {
        Tensor w = Tensor.zeros(2).requiresGrad(true);
        Tensor given = Tensor.of(new float[] {1f, 2f}, 2);
        w.setGrad(given);
        w.zeroGrad();
        w.gradBuffer();
        assertThat(given.toFloatArray()).containsExactly(1f, 2f);
    }

    @Test
    void largeUnscopedTensorsLiveOffHeap() {
        assertThat(Tensor.zeros(1 << 18).data().isNative()).isTrue(); // 1 MiB
        assertThat(Tensor.zeros(1000).data().isNative()).isFalse();
    }
}
