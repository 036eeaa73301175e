package dev.lathe.engine.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * Explicit ownership of tensor memory. Tensors created while an arena is {@linkplain #call bound}
 * are allocated off-heap in it and freed together when it is {@linkplain #close closed}; using one
 * afterwards fails with an {@link IllegalStateException} instead of reading freed memory.
 *
 * <p>Without a bound arena, tensors live on the Java heap and the garbage collector frees them.
 * A training step typically binds one arena for its activations and closes it after the
 * optimizer step, so the step's memory is returned at once rather than when the GC gets to it.
 *
 * <p>The arena is shared: tensors allocated in it may be read and written from several threads
 * (the kernels' worker pool does). Binding uses a {@link ScopedValue}, so it is per thread and
 * cannot leak past the bound call.
 */
public final class TensorArena implements AutoCloseable {
    private static final ScopedValue<TensorArena> CURRENT = ScopedValue.newInstance();
    private static final long ALIGNMENT = 64; // a cache line, and the widest SIMD register

    private final Arena arena = Arena.ofShared();

    private TensorArena() {}

    public static TensorArena open() {
        return new TensorArena();
    }

    /** Runs {@code body} with this arena as the place where new tensors are allocated. */
    public <T> T call(Supplier<T> body) {
        return ScopedValue.where(CURRENT, this).call(body::get);
    }

    /** Runs {@code body} with this arena as the place where new tensors are allocated. */
    public void run(Runnable body) {
        ScopedValue.where(CURRENT, this).run(body);
    }

    /** Allocates zeroed storage in the bound arena, or on the heap when none is bound. */
    static MemorySegment allocate(DType dtype, long elements) {
        if (CURRENT.isBound()) {
            return CURRENT.get().arena.allocate(elements * dtype.byteSize(), ALIGNMENT);
        }
        return allocateUnscoped(dtype, elements);
    }

    /**
     * Allocates zeroed storage that outlives any bound arena: on the heap, or for tensors too large
     * for a Java array, off-heap memory the garbage collector frees. For state that must survive a
     * step's arena, such as a parameter's accumulated gradient.
     */
    static MemorySegment allocateUnscoped(DType dtype, long elements) {
        if (elements > Integer.MAX_VALUE) {
            return Arena.ofAuto().allocate(elements * dtype.byteSize(), ALIGNMENT);
        }
        return switch (dtype) {
            case F32 -> MemorySegment.ofArray(new float[(int) elements]);
            case F16, BF16 -> MemorySegment.ofArray(new short[(int) elements]);
        };
    }

    /** Frees every tensor allocated in this arena. */
    @Override
    public void close() {
        arena.close();
    }
}
