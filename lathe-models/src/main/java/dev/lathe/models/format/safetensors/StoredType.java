package dev.lathe.models.format.safetensors;

import dev.lathe.engine.tensor.DType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types the safetensors format defines, with their width in bits and the engine type
 * Lathe loads them as (null for types that are valid in the format but not loadable: integers,
 * booleans, F64 and the 8/6/4-bit float formats). Knowing all of them lets a file that carries,
 * say, an I64 {@code position_ids} buffer still open, with that tensor reported as unsupported.
 */
enum StoredType {
    BOOL(8, null), U8(8, null), I8(8, null), F8_E5M2(8, null), F8_E4M3(8, null), F8_E8M0(8, null),
    I16(16, null), U16(16, null), F16(16, DType.F16), BF16(16, DType.BF16),
    I32(32, null), U32(32, null), F32(32, DType.F32),
    I64(64, null), U64(64, null), F64(64, null), C64(64, null),
    F4(4, null), F6_E2M3(6, null), F6_E3M2(6, null);

    final int bits;
    final DType engine; // null: valid in the format, not loadable

    StoredType(int bits, DType engine) {
        this.bits = bits;
        this.engine = engine;
    }

    /** The type named {@code name} in a header, or null when the format has no such type. */
    static StoredType byName(String name) {
        for (StoredType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The format's spelling of an engine type. */
    static String nameOf(DType dtype) {
        return switch (dtype) {
            case F32 -> "F32";
            case F16 -> "F16";
            case BF16 -> "BF16";
        };
    }

    static String loadable() {
        return Arrays.stream(values()).filter(t -> t.engine != null).map(Enum::name)
                .collect(Collectors.joining(", "));
    }

    static String all() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
