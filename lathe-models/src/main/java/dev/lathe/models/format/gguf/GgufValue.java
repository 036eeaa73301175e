package dev.lathe.models.format.gguf;

import java.util.List;
import java.util.Objects;

/**
 * One GGUF metadata value with its exact on-disk type, so a file read and written again keeps its
 * types (llama.cpp checks them: a count written as int32 where uint32 is expected is rejected).
 *
 * <p>Java representation of {@link #value()}: integer scalars are {@link Long} (uint64 as its bit
 * pattern), FLOAT32 a {@link Float}, FLOAT64 a {@link Double}, BOOL a {@link Boolean}, STRING a
 * {@link String}. Arrays keep primitive storage so a large array costs about what it costs on disk:
 * UINT8/INT8 {@code byte[]}, UINT16/INT16 {@code short[]}, UINT32/INT32 {@code int[]}, UINT64/INT64
 * {@code long[]}, FLOAT32 {@code float[]}, FLOAT64 {@code double[]}, BOOL {@code boolean[]}, STRING
 * {@code List<String>}, ARRAY (nested) {@code List<GgufValue>}. {@link #elementType()} is set for
 * arrays only.
 */
public record GgufValue(GgufValueType type, GgufValueType elementType, Object value) {
    public GgufValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if ((type == GgufValueType.ARRAY) != (elementType != null)) {
            throw new IllegalArgumentException("elementType is set for arrays and only for arrays (type " + type + ")");
        }
    }

    // ---- factories (the types llama.cpp expects for the standard keys) ----

    public static GgufValue u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("value " + v + " does not fit uint32");
        }
        return new GgufValue(GgufValueType.UINT32, null, v);
    }

    public static GgufValue i32(int v) {
        return new GgufValue(GgufValueType.INT32, null, (long) v);
    }

    public static GgufValue u64(long v) {
        return new GgufValue(GgufValueType.UINT64, null, v);
    }

    public static GgufValue f32(float v) {
        return new GgufValue(GgufValueType.FLOAT32, null, v);
    }

    public static GgufValue bool(boolean v) {
        return new GgufValue(GgufValueType.BOOL, null, v);
    }

    public static GgufValue string(String v) {
        return new GgufValue(GgufValueType.STRING, null, v);
    }

    public static GgufValue strings(List<String> v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.STRING, List.copyOf(v));
    }

    public static GgufValue floats(float[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.FLOAT32, v.clone());
    }

    public static GgufValue ints(int[] v) {
        return new GgufValue(GgufValueType.ARRAY, GgufValueType.INT32, v.clone());
    }

    // ---- accessors ----

    /** An integer scalar as a long; unsigned types are read unsigned (a uint64 above 2^63-1 is an error). */
    public long asLong() {
        if (!type.isInteger()) {
            throw new IllegalStateException("a " + type + " value is not an integer");
        }
        long v = (Long) value;
        if (type == GgufValueType.UINT64 && v < 0) {
            throw new IllegalStateException("uint64 value " + Long.toUnsignedString(v) + " is too large");
        }
        return v;
    }

    /** An integer scalar that must fit an int (counts, sizes, ids). */
    public int asInt() {
        long v = asLong();
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalStateException("value " + v + " does not fit an int");
        }
        return (int) v;
    }

    /** A numeric scalar (integer or float) as a double. */
    public double asDouble() {
        return switch (value) {
            case Float f -> f;
            case Double d -> d;
            case Long l when type.isInteger() -> (double) asLong();
            default -> throw new IllegalStateException("a " + type + " value is not a number");
        };
    }

    public boolean asBoolean() {
        if (value instanceof Boolean b) {
            return b;
        }
        throw new IllegalStateException("a " + type + " value is not a bool");
    }

    public String asString() {
        if (value instanceof String s) {
            return s;
        }
        throw new IllegalStateException("a " + type + " value is not a string");
    }

    /** A string array. */
    @SuppressWarnings("unchecked")
    public List<String> asStrings() {
        if (elementType == GgufValueType.STRING) {
            return (List<String>) value;
        }
        throw new IllegalStateException("a " + describe() + " value is not a string array");
    }

    /** A numeric array as floats (converted from integer or float64 arrays). */
    public float[] asFloats() {
        return switch (value) {
            case float[] f -> f.clone();
            case double[] d -> {
                float[] out = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    out[i] = (float) d[i];
                }
                yield out;
            }
            default -> {
                long[] l = asLongs();
                float[] out = new float[l.length];
                for (int i = 0; i < l.length; i++) {
                    out[i] = l[i];
                }
                yield out;
            }
        };
    }

    /** An integer array as ints (each value must fit). */
    public int[] asInts() {
        long[] l = asLongs();
        int[] out = new int[l.length];
        for (int i = 0; i < l.length; i++) {
            if (l[i] < Integer.MIN_VALUE || l[i] > Integer.MAX_VALUE) {
                throw new IllegalStateException("element " + i + " (" + l[i] + ") does not fit an int");
            }
            out[i] = (int) l[i];
        }
        return out;
    }

    /** An integer array as longs, unsigned types read unsigned. */
    public long[] asLongs() {
        if (elementType == null || !elementType.isInteger()) {
            throw new IllegalStateException("a " + describe() + " value is not an integer array");
        }
        boolean unsigned = elementType == GgufValueType.UINT8 || elementType == GgufValueType.UINT16
                || elementType == GgufValueType.UINT32;
        return switch (value) {
            case byte[] b -> {
                long[] out = new long[b.length];
                for (int i = 0; i < b.length; i++) {
                    out[i] = unsigned ? b[i] & 0xFF : b[i];
                }
                yield out;
            }
            case short[] s -> {
                long[] out = new long[s.length];
                for (int i = 0; i < s.length; i++) {
                    out[i] = unsigned ? s[i] & 0xFFFF : s[i];
                }
                yield out;
            }
            case int[] n -> {
                long[] out = new long[n.length];
                for (int i = 0; i < n.length; i++) {
                    out[i] = unsigned ? n[i] & 0xFFFF_FFFFL : n[i];
                }
                yield out;
            }
            case long[] n -> n.clone();
            default -> throw new IllegalStateException("a " + describe() + " value has no integer storage");
        };
    }

    /** Number of elements of an array value. */
    public int length() {
        return switch (value) {
            case byte[] a -> a.length;
            case short[] a -> a.length;
            case int[] a -> a.length;
            case long[] a -> a.length;
            case float[] a -> a.length;
            case double[] a -> a.length;
            case boolean[] a -> a.length;
            case List<?> a -> a.size();
            default -> throw new IllegalStateException("a " + type + " value is not an array");
        };
    }

    /** "UINT32" or "ARRAY[FLOAT32]". */
    public String describe() {
        return elementType == null ? type.name() : type + "[" + elementType + "]";
    }
}
