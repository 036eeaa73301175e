package dev.lathe.models.format.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounds-checked little-endian reader over a GGUF file's bytes. It remembers what is being read
 * ({@link #at}) so each error names the file, the part of the file and the defect; every length is
 * checked against the bytes left before anything is allocated.
 */
final class GgufCursor {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(LE);
    /** Arrays nest; bound the depth so a crafted file cannot exhaust the stack. */
    static final int MAX_NESTING = 16;

    private final Path file;
    private final MemorySegment bytes;
    private final long size;
    private long pos;
    private String where = "header";

    GgufCursor(Path file, MemorySegment bytes) {
        this.file = file;
        this.bytes = bytes;
        this.size = bytes.byteSize();
    }

    void at(String what) {
        this.where = what;
    }

    long position() {
        return pos;
    }

    long remaining() {
        return size - pos;
    }

    GgufFormatException error(String defect) {
        return new GgufFormatException(file + ": " + where + ": " + defect);
    }

    private void need(long n, String what) {
        if (n > size - pos) {
            throw error("truncated: " + what + " needs " + n + " bytes at byte " + pos + ", the file has "
                    + (size - pos) + " left");
        }
    }

    /** Checks that {@code count} entries of at least {@code minBytes} each can fit in the rest of the file. */
    void requireCount(long count, long minBytes, String what) {
        if (count < 0 || count > remaining() / minBytes) {
            throw error(what + " " + Long.toUnsignedString(count) + " cannot fit in the " + remaining()
                    + " bytes left");
        }
    }

    int u8() {
        need(1, "a uint8");
        return bytes.get(ValueLayout.JAVA_BYTE, pos++) & 0xFF;
    }

    int u16() {
        need(2, "a uint16");
        int v = bytes.get(U16, pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    long u32() {
        need(4, "a uint32");
        long v = bytes.get(U32, pos) & 0xFFFF_FFFFL;
        pos += 4;
        return v;
    }

    long u64() {
        need(8, "a uint64");
        long v = bytes.get(U64, pos);
        pos += 8;
        return v;
    }

    /** A gguf_string: uint64 length, then that many UTF-8 bytes. */
    String string(long maxBytes, String what) {
        long len = u64();
        if (len < 0 || len > maxBytes) {
            throw error(what + " length " + Long.toUnsignedString(len) + " exceeds the limit of " + maxBytes);
        }
        need(len, what + " of " + len + " bytes");
        byte[] b = bytes.asSlice(pos, len).toArray(ValueLayout.JAVA_BYTE);
        pos += len;
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(what + " is not valid UTF-8");
        }
    }

    GgufValueType valueType() {
        long id = u32();
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) {
            throw error("unknown value type " + id);
        }
        return t;
    }

    /** One metadata value of type {@code t} (arrays recursively, to {@link #MAX_NESTING} levels). */
    GgufValue value(GgufValueType t, int depth) {
        return switch (t) {
            case UINT8 -> new GgufValue(t, null, (long) u8());
            case INT8 -> new GgufValue(t, null, (long) (byte) u8());
            case UINT16 -> new GgufValue(t, null, (long) u16());
            case INT16 -> new GgufValue(t, null, (long) (short) u16());
            case UINT32 -> new GgufValue(t, null, u32());
            case INT32 -> new GgufValue(t, null, (long) (int) u32());
            case UINT64, INT64 -> new GgufValue(t, null, u64());
            case FLOAT32 -> new GgufValue(t, null, Float.intBitsToFloat((int) u32()));
            case FLOAT64 -> new GgufValue(t, null, Double.longBitsToDouble(u64()));
            case BOOL -> new GgufValue(t, null, bool());
            case STRING -> new GgufValue(t, null, string(remaining(), "string value"));
            case ARRAY -> array(depth);
        };
    }

    private boolean bool() {
        int b = u8();
        if (b > 1) {
            throw error("bool value is " + b + ", must be 0 or 1");
        }
        return b == 1;
    }

    private GgufValue array(int depth) {
        if (depth >= MAX_NESTING) {
            throw error("arrays nested more than " + MAX_NESTING + " deep");
        }
        GgufValueType et = valueType();
        long count = u64();
        requireCount(count, et.minBytes(), "array length");
        int n = (int) count; // fits: count <= remaining bytes, and a mapped file is < 2^31 elements per byte
        if (count > Integer.MAX_VALUE - 8) {
            throw error("array length " + count + " is more than Lathe holds");
        }
        Object value = switch (et) {
            case UINT8, INT8 -> {
                byte[] a = bytes.asSlice(pos, n).toArray(ValueLayout.JAVA_BYTE);
                pos += n;
                yield a;
            }
            case UINT16, INT16 -> {
                short[] a = bytes.asSlice(pos, 2L * n).toArray(U16);
                pos += 2L * n;
                yield a;
            }
            case UINT32, INT32 -> {
                int[] a = bytes.asSlice(pos, 4L * n).toArray(U32);
                pos += 4L * n;
                yield a;
            }
            case UINT64, INT64 -> {
                long[] a = bytes.asSlice(pos, 8L * n).toArray(U64);
                pos += 8L * n;
                yield a;
            }
            case FLOAT32 -> {
                float[] a = bytes.asSlice(pos, 4L * n).toArray(F32);
                pos += 4L * n;
                yield a;
            }
            case FLOAT64 -> {
                double[] a = bytes.asSlice(pos, 8L * n).toArray(F64);
                pos += 8L * n;
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bool();
                }
                yield a;
            }
            case STRING -> {
                List<String> a = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    a.add(string(remaining(), "string element " + i));
                }
                yield List.copyOf(a);
            }
            case ARRAY -> {
                List<GgufValue> a = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    a.add(array(depth + 1));
                }
                yield List.copyOf(a);
            }
        };
        return new GgufValue(GgufValueType.ARRAY, et, value);
    }
}
