package dev.lathe.engine.tensor;

/**
 * Element types a tensor can be stored in. Computation is always F32; F16 and BF16 are storage
 * formats (weights as shipped), converted by {@link dev.lathe.engine.kernel.Convert}.
 */
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }
}
