package dev.lathe.models.family;

import dev.lathe.models.KvCache;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A {@link DecoderModel}'s keys and values for one sequence: two F32 buffers (layers, KVH, capacity, D)
 * allocated once, so that a head's keys for positions [0, length) are one contiguous run, which is
 * what the attention kernel reads. Memory is off-heap and freed by the garbage collector.
 */
final class DecoderKvCache implements KvCache {
    private final DecoderModel owner;
    private final int kvHeads;  // KVH
    private final int capacity;
    private final int headDim;  // D
    private final MemorySegment keys;   // (layers, KVH, capacity, D)
    private final MemorySegment values; // (layers, KVH, capacity, D)
    private int length;

    DecoderKvCache(DecoderModel owner, int layers, int kvHeads, int capacity, int headDim) {
        this.owner = owner;
        this.kvHeads = kvHeads;
        this.capacity = capacity;
        this.headDim = headDim;
        long bytes = (long) layers * kvHeads * capacity * headDim * Float.BYTES;
        Arena arena = Arena.ofAuto();
        this.keys = arena.allocate(bytes, 64);
        this.values = arena.allocate(bytes, 64);
    }

    DecoderModel owner() {
        return owner;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) {
            throw new IllegalArgumentException("truncate to " + newLength + " is outside [0, " + length + "]");
        }
        length = newLength;
    }

    void advance(int tokens) {
        length += tokens;
    }

    MemorySegment keys() {
        return keys;
    }

    MemorySegment values() {
        return values;
    }

    /** Byte offset of position {@code pos} of kv head {@code h} in layer {@code layer}. */
    long at(int layer, int h, int pos) {
        return (((long) layer * kvHeads + h) * capacity + pos) * headDim * Float.BYTES;
    }
}
