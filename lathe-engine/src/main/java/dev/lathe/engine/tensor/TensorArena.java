package dev.lathe.engine.tensor;

import dev.lathe.engine.kernel.Parallel;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 *
 * <p>An arena {@linkplain #open(Pool) opened over a pool} takes its memory from the pool and gives it
 * back on close, so a loop of same-shaped steps stops paying for fresh pages (the operating system's
 * page faults and zeroing) every step; the tensors handed out are still views scoped to this arena, so
 * using one after close still fails.
 */
public final class TensorArena implements AutoCloseable {
    private static final ScopedValue<TensorArena> CURRENT = ScopedValue.newInstance();
    private static final long ALIGNMENT = 64; // a cache line, and the widest SIMD register
    private static final long LARGE_UNSCOPED_BYTES = 1L << 20;
    private static final int CLEAR_BLOCK_BYTES = 1 << 20;

    private final Arena arena = Arena.ofShared();
    private final Pool pool;                  // null: plain allocation
    private final List<MemorySegment> taken;  // the pool's blocks this arena handed out

    private TensorArena(Pool pool) {
        this.pool = pool;
        this.taken = pool == null ? null : new ArrayList<>();
    }

    public static TensorArena open() {
        return new TensorArena(null);
    }

    /** An arena whose memory comes from, and on close returns to, {@code pool}. */
    public static TensorArena open(Pool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool must not be null; use open() for an arena without one");
        }
        return new TensorArena(pool);
    }

    /**
     * Blocks of off-heap memory kept between {@linkplain #open(Pool) pooled arenas}, by exact size (a
     * training loop allocates the same sizes every step). Memory the pool holds is freed by the garbage
     * collector once the pool is unreachable. Thread-safe.
     */
    public static final class Pool {
        private final Map<Long, ArrayDeque<MemorySegment>> free = new HashMap<>();
        private long retained;

        /**
         * A block of {@code bytes}: a returned one (cleared when {@code zeroed}, else holding whatever
         * its last user left), or a new one (always zero).
         */
        MemorySegment take(long bytes, boolean zeroed) {
            MemorySegment block;
            synchronized (this) {
                ArrayDeque<MemorySegment> q = free.get(bytes);
                block = q == null ? null : q.poll();
                if (block != null) {
                    retained -= bytes;
                }
            }
            if (block == null) {
                return Arena.ofAuto().allocate(bytes, ALIGNMENT);
            }
            if (zeroed) {
                // Clearing a step's large blocks is a pass over memory: split it across the kernel threads.
                Parallel.forBlocks(bytes, CLEAR_BLOCK_BYTES, (from, to) -> block.asSlice(from, to - from).fill((byte) 0));
            }
            return block;
        }

        synchronized void give(List<MemorySegment> blocks) {
            for (MemorySegment b : blocks) {
                free.computeIfAbsent(b.byteSize(), n -> new ArrayDeque<>()).push(b);
                retained += b.byteSize();
            }
        }

        /** Bytes held for reuse right now (not counting blocks lent to open arenas). */
        public synchronized long retainedBytes() {
            return retained;
        }

        /** Drops every held block (the garbage collector frees them). */
        public synchronized void clear() {
            free.clear();
            retained = 0;
        }
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
        return allocate(dtype, elements, true);
    }

    /**
     * Like {@link #allocate(DType, long)}, but a block reused from a pool is not cleared first when
     * {@code zeroed} is false: for a tensor whose every element is written before it is read (a
     * product's output), where clearing would be a wasted pass over memory. Its contents are then
     * undefined (fresh memory is still zero).
     */
    static MemorySegment allocate(DType dtype, long elements, boolean zeroed) {
        if (CURRENT.isBound()) {
            return CURRENT.get().allocate(elements * dtype.byteSize(), zeroed);
        }
        return allocateUnscoped(dtype, elements);
    }

    /**
     * Allocates zeroed storage that outlives any bound arena: on the heap, or for tensors too large
     * for a Java array, off-heap memory the garbage collector frees. For state that must survive a
     * step's arena, such as a parameter's accumulated gradient.
     */
    static MemorySegment allocateUnscoped(DType dtype, long elements) {
        // Large tensors (a model's weights and their gradients) live off-heap: the kernels' vector loads
        // and stores on native memory skip the heap-array checks, and the GC never copies them.
        if (elements > Integer.MAX_VALUE || elements * dtype.byteSize() >= LARGE_UNSCOPED_BYTES) {
            return Arena.ofAuto().allocate(elements * dtype.byteSize(), ALIGNMENT);
        }
        return switch (dtype) {
            case F32 -> MemorySegment.ofArray(new float[(int) elements]);
            case F16, BF16 -> MemorySegment.ofArray(new short[(int) elements]);
        };
    }

    private MemorySegment allocate(long bytes, boolean zeroed) {
        if (pool == null) {
            return arena.allocate(bytes, ALIGNMENT);
        }
        MemorySegment block = pool.take(bytes, zeroed);
        synchronized (taken) {
            taken.add(block);
        }
        // A view with this arena's lifetime: after close it is unusable, while the block goes back to the pool.
        return block.reinterpret(arena, null);
    }

    /** Frees every tensor allocated in this arena (returning pooled memory to its pool). */
    @Override
    public void close() {
        arena.close();
        if (pool != null) {
            synchronized (taken) {
                pool.give(taken);
                taken.clear();
            }
        }
    }
}
