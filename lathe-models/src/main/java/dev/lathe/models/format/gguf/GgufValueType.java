package dev.lathe.models.format.gguf;

/**
 * The types a GGUF metadata value can have, with their on-disk ids (spec: {@code enum
 * gguf_metadata_value_type: uint32_t}). Integers and floats are little-endian; a bool is one byte,
 * 0 or 1; a string is a uint64 byte length then UTF-8 bytes (no terminator); an array is an element
 * type, a uint64 element count, then the elements (arrays may nest).
 */
public enum GgufValueType {
    UINT8(0, 1),
    INT8(1, 1),
    UINT16(2, 2),
    INT16(3, 2),
    UINT32(4, 4),
    INT32(5, 4),
    FLOAT32(6, 4),
    BOOL(7, 1),
    STRING(8, 8),   // minimum: the length prefix
    ARRAY(9, 12),   // minimum: element type + count
    UINT64(10, 8),
    INT64(11, 8),
    FLOAT64(12, 8);

    private final int id;
    private final int minBytes;

    GgufValueType(int id, int minBytes) {
        this.id = id;
        this.minBytes = minBytes;
    }

    /** The id written in files. */
    public int id() {
        return id;
    }

    /** Bytes one value occupies at least (exactly, for the fixed-size types): bounds array lengths. */
    int minBytes() {
        return minBytes;
    }

    boolean isInteger() {
        return switch (this) {
            case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
            default -> false;
        };
    }

    /** The type with this id, or null when the id is not one of the spec's. */
    static GgufValueType byId(long id) {
        for (GgufValueType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        return null;
    }
}
