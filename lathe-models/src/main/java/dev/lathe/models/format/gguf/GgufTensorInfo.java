package dev.lathe.models.format.gguf;

import dev.lathe.engine.tensor.Shapes;
import java.util.Arrays;

/**
 * Where one tensor lies in a GGUF file. {@code shape} is row-major (outermost first), the reverse of
 * the file's innermost-first {@code dimensions}; {@code fileOffset} is absolute (the file's offset is
 * relative to the start of the tensor data); {@code byteSize} follows from type and shape.
 */
public record GgufTensorInfo(String name, GgmlType type, int[] shape, long fileOffset, long byteSize) {
    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long numel() {
        return Shapes.numel(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && t.name.equals(name) && t.type == type
                && Arrays.equals(t.shape, shape) && t.fileOffset == fileOffset && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + fileOffset + " (" + byteSize + " bytes)";
    }
}
