package dev.lathe.models.format.gguf;

import dev.lathe.engine.tensor.DType;

/**
 * Tensor element types of GGML (spec: {@code enum ggml_type: uint32_t}) with their block layout:
 * a block of {@code blockSize} elements takes {@code typeSize} bytes. Plain types have blocks of one
 * element. Lathe loads F32, F16 and BF16 in place and dequantizes Q8_0 and Q4_0 to F32; the other
 * listed types are known (so a file holding them can be opened and its metadata read) but cannot be
 * loaded yet. Ids not listed here make a file unreadable.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),   // f16 scale d, 16 bytes of nibbles; x = (q - 8) * d
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),   // f16 scale d, 32 int8; x = q * d
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    BF16(30, 1, 2);

    private final int id;
    private final int blockSize;
    private final int typeSize;

    GgmlType(int id, int blockSize, int typeSize) {
        this.id = id;
        this.blockSize = blockSize;
        this.typeSize = typeSize;
    }

    public int id() {
        return id;
    }

    /** Elements per block (1 for plain types). */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes per block. */
    public int typeSize() {
        return typeSize;
    }

    /** Whether Lathe can load tensors of this type (in place or dequantized). */
    public boolean isLoadable() {
        return this == F32 || this == F16 || this == BF16 || this == Q8_0 || this == Q4_0;
    }

    /** The engine type a tensor of this type is wrapped as in place, or null when it must be decoded. */
    public DType inPlaceType() {
        return switch (this) {
            case F32 -> DType.F32;
            case F16 -> DType.F16;
            case BF16 -> DType.BF16;
            default -> null;
        };
    }

    /** The type with this id, or null when Lathe does not know it. */
    public static GgmlType byId(long id) {
        for (GgmlType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
