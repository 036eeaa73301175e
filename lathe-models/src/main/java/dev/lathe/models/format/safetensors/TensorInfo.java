package dev.lathe.models.format.safetensors;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Shapes;
import java.util.Arrays;

/**
 * One tensor's entry in a safetensors header: its element type, shape, and byte range
 * {@code [begin, end)} relative to the start of the data section (after the 8-byte length and
 * the JSON header). Only loadable types (F32, F16, BF16) appear as a {@link DType}.
 */
public record TensorInfo(String name, DType dtype, int[] shape, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return Shapes.numel(shape);
    }

    /** Bytes of data, {@code end - begin}. */
    public long byteSize() {
        return end - begin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + Arrays.hashCode(shape)) * 31 + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
