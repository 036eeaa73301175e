package dev.lathe.models.format.onnx;

import java.nio.charset.StandardCharsets;

/**
 * A minimal reader of the protobuf wire format over a byte array: enough to walk an ONNX
 * {@code ModelProto} without generated classes. It yields (field number, wire type) keys and reads
 * the value of each key as a varint, a fixed32/fixed64 or a length-delimited slice; unknown fields
 * are skipped by the caller with {@link #skip(int)}. Length-delimited values are read as
 * {@linkplain #message() sub-readers} sharing the array (no copy).
 *
 * <p>Malformed input (a truncated varint, a length past the end, an unknown wire type) throws
 * {@link IllegalArgumentException} naming the byte offset and what was being read.
 */
final class ProtoReader {
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LENGTH_DELIMITED = 2;
    static final int FIXED32 = 5;

    private final byte[] buf;
    private final String what; // what the bytes are, for errors
    private int pos;
    private final int limit;

    ProtoReader(byte[] buf, String what) {
        this(buf, 0, buf.length, what);
    }

    private ProtoReader(byte[] buf, int start, int limit, String what) {
        this.buf = buf;
        this.pos = start;
        this.limit = limit;
        this.what = what;
    }

    boolean hasNext() {
        return pos < limit;
    }

    /** The next key: {@code fieldNumber << 3 | wireType}. */
    int key() {
        long k = varint();
        if (k >>> 3 == 0 || k > Integer.MAX_VALUE) {
            throw malformed("invalid field key " + k);
        }
        return (int) k;
    }

    static int field(int key) {
        return key >>> 3;
    }

    static int wireType(int key) {
        return key & 7;
    }

    long varint() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= limit) {
                throw malformed("truncated varint");
            }
            byte b = buf[pos++];
            result |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return result;
            }
        }
        throw malformed("varint longer than 10 bytes");
    }

    int fixed32() {
        require(4, "fixed32");
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8 | (buf[pos + 2] & 0xff) << 16
                | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    long fixed64() {
        long lo = fixed32() & 0xffffffffL;
        long hi = fixed32() & 0xffffffffL;
        return lo | hi << 32;
    }

    /** A length-delimited value as a reader over its bytes. */
    ProtoReader message() {
        int len = length();
        ProtoReader sub = new ProtoReader(buf, pos, pos + len, what);
        pos += len;
        return sub;
    }

    String string() {
        int len = length();
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    /** A length-delimited value as an (offset, length) view of the backing array. */
    Slice bytes() {
        int len = length();
        Slice s = new Slice(buf, pos, len);
        pos += len;
        return s;
    }

    /** A repeated varint field: either one value (unpacked) or a packed run; appends to {@code out}. */
    void repeatedVarint(int wireType, LongList out) {
        if (wireType == VARINT) {
            out.add(varint());
        } else if (wireType == LENGTH_DELIMITED) {
            ProtoReader packed = message();
            while (packed.hasNext()) {
                out.add(packed.varint());
            }
        } else {
            throw malformed("wire type " + wireType + " for a repeated integer field");
        }
    }

    void skip(int wireType) {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> {
                require(8, "fixed64");
                pos += 8;
            }
            case LENGTH_DELIMITED -> {
                int len = length();
                pos += len;
            }
            case FIXED32 -> {
                require(4, "fixed32");
                pos += 4;
            }
            default -> throw malformed("unsupported wire type " + wireType);
        }
    }

    private int length() {
        long len = varint();
        if (len < 0 || len > limit - pos) {
            throw malformed("length " + len + " runs past the end of its enclosing message (" + (limit - pos)
                    + " bytes left)");
        }
        return (int) len;
    }

    private void require(int n, String kind) {
        if (limit - pos < n) {
            throw malformed("truncated " + kind);
        }
    }

    private IllegalArgumentException malformed(String defect) {
        return new IllegalArgumentException(what + ": malformed protobuf at byte " + pos + ": " + defect);
    }

    /** Bytes {@code [offset, offset + length)} of {@code array}. */
    record Slice(byte[] array, int offset, int length) {}

    /** A growable long array (no boxing for tensor dims and packed ints). */
    static final class LongList {
        private long[] values = new long[8];
        private int size;

        void add(long v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
