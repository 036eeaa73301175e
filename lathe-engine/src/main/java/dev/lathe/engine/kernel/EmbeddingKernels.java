package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;

/**
 * Embedding lookup: gathering rows of a (V, C) table by id, and its backward, scattering gradient
 * rows back with accumulation (an id that occurs several times receives the sum of its rows). Ids
 * are validated by the op; these kernels trust them.
 */
public final class EmbeddingKernels {
    private static final int GRAIN_ROWS = 64;

    private EmbeddingKernels() {}

    /** {@code out[i, :] = weight[ids[i], :]} (out F32, weight of any storage type). */
    public static void forward(MemorySegment out, MemorySegment weight, DType weightType, int[] ids, int c) {
        long rowBytes = (long) c * weightType.byteSize();
        Parallel.forRange(ids.length, GRAIN_ROWS, (start, end) -> {
            for (int i = start; i < end; i++) {
                MemorySegment src = weight.asSlice(ids[i] * rowBytes, rowBytes);
                MemorySegment dst = out.asSlice(i * (long) c * 4, (long) c * 4);
                Convert.convert(src, weightType, dst, DType.F32, c);
            }
        });
    }

    /**
     * {@code dWeight[ids[i], :] += dOut[i, :]}. Sequential: repeated ids would race, and the work is
     * one memory pass over dOut.
     */
    public static void backward(MemorySegment dWeight, MemorySegment dOut, int[] ids, int c) {
        long rowBytes = (long) c * 4;
        for (int i = 0; i < ids.length; i++) {
            Elementwise.addInto(dWeight.asSlice(ids[i] * rowBytes, rowBytes), dOut.asSlice(i * rowBytes, rowBytes), c);
        }
    }
}
