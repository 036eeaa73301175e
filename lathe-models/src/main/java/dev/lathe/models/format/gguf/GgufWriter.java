package dev.lathe.models.format.gguf;

import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes GGUF version 3 files (little-endian; layout in {@link GgufFile}): metadata with exact types,
 * then tensors stored as F32, F16, BF16, Q8_0 or Q4_0, each at an offset that is a multiple of the
 * alignment. The file appears atomically (written to a temporary file beside it, then moved).
 *
 * <pre>
 *   GgufWriter w = new GgufWriter();
 *   w.put("general.architecture", GgufValue.string("llama"));
 *   w.tensor("token_embd.weight", embedding, GgmlType.Q8_0);
 *   w.write(path);
 * </pre>
 */
public final class GgufWriter {
    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final Map<String, Entry> tensors = new LinkedHashMap<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;

    private record Entry(Tensor tensor, GgmlType type, long bytes) {}

    /** Adds (or replaces) a metadata entry. Keys are printable ASCII, at most 65535 bytes. */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(value, "value");
        if (key.isEmpty() || key.length() > GgufFile.MAX_KEY_BYTES || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("metadata key '" + key + "' is not 1 to 65535 printable ASCII characters");
        }
        if (key.equals("general.alignment")) {
            if (value.type() != GgufValueType.UINT32 || value.asLong() == 0 || value.asLong() % 8 != 0
                    || value.asLong() > (1 << 20)) {
                throw new IllegalArgumentException("general.alignment must be a UINT32 multiple of 8, got " + value);
            }
            alignment = (int) value.asLong();
        }
        metadata.put(key, value);
        return this;
    }

    /** Adds a tensor (row-major shape; F32, F16 or BF16 data) to be stored as {@code storeAs}. */
    public GgufWriter tensor(String name, Tensor tensor, GgmlType storeAs) {
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length == 0 || utf8.length > GgufFile.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' must be 1 to 64 bytes of UTF-8");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        if (tensor.rank() > GgufFile.MAX_DIMS) {
            throw new IllegalArgumentException("tensor '" + name + "' has rank " + tensor.rank() + ", GGUF allows 4");
        }
        switch (storeAs) {
            case F32, F16, BF16, Q8_0, Q4_0 -> { }
            default -> throw new IllegalArgumentException("tensor '" + name + "': cannot store as " + storeAs);
        }
        int inner = tensor.rank() == 0 ? 1 : tensor.dim(-1);
        if (inner % storeAs.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': innermost dimension " + inner
                    + " is not a multiple of the " + storeAs + " block size " + storeAs.blockSize());
        }
        long bytes = tensor.numel() / storeAs.blockSize() * storeAs.typeSize();
        tensors.put(name, new Entry(tensor, storeAs, bytes));
        return this;
    }

    /** Writes the file atomically. */
    public void write(Path path) throws IOException {
        AtomicFile.write(path, this::writeTo);
    }

    private void writeTo(OutputStream out) throws IOException {
        Le le = new Le(out);
        le.u32(GgufFile.MAGIC);
        le.u32(3);
        le.u64(tensors.size());
        le.u64(metadata.size());
        for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
            le.string(kv.getKey());
            le.u32(kv.getValue().type().id());
            value(le, kv.getValue());
        }
        long offset = 0;
        for (Map.Entry<String, Entry> t : tensors.entrySet()) {
            le.string(t.getKey());
            int[] shape = t.getValue().tensor.shape();
            le.u32(shape.length);
            for (int d = shape.length - 1; d >= 0; d--) {
                le.u64(shape[d]); // innermost first
            }
            le.u32(t.getValue().type.id());
            le.u64(offset);
            offset = GgufFile.alignUp(offset + t.getValue().bytes, alignment);
        }
        le.pad(alignment);
        for (Entry e : tensors.values()) {
            le.bytes(encode(e));
            le.pad(alignment);
        }
    }

    private static MemorySegment encode(Entry e) {
        Tensor t = e.tensor;
        DType inPlace = e.type.inPlaceType();
        if (inPlace != null) {
            return (t.dtype() == inPlace && t.isContiguous() ? t : t.to(inPlace)).data();
        }
        Tensor f32 = t.dtype() == DType.F32 && t.isContiguous() ? t : t.to(DType.F32);
        MemorySegment q = Arena.ofAuto().allocate(e.bytes);
        GgmlQuant.quantize(e.type, f32.data(), q, t.numel());
        return q;
    }

    private static void value(Le le, GgufValue v) throws IOException {
        Object o = v.value();
        switch (v.type()) {
            case UINT8, INT8, BOOL -> le.u8(o instanceof Boolean b ? (b ? 1 : 0) : ((Long) o).intValue());
            case UINT16, INT16 -> le.u16(((Long) o).intValue());
            case UINT32, INT32 -> le.u32(((Long) o).intValue());
            case UINT64, INT64 -> le.u64((Long) o);
            case FLOAT32 -> le.u32(Float.floatToRawIntBits((Float) o));
            case FLOAT64 -> le.u64(Double.doubleToRawLongBits((Double) o));
            case STRING -> le.string((String) o);
            case ARRAY -> array(le, v);
        }
    }

    private static void array(Le le, GgufValue v) throws IOException {
        le.u32(v.elementType().id());
        le.u64(v.length());
        switch (v.value()) {
            case byte[] a -> { le.out.write(a); le.written += a.length; }
            case short[] a -> { for (short x : a) le.u16(x); }
            case int[] a -> { for (int x : a) le.u32(x); }
            case long[] a -> { for (long x : a) le.u64(x); }
            case float[] a -> { for (float x : a) le.u32(Float.floatToRawIntBits(x)); }
            case double[] a -> { for (double x : a) le.u64(Double.doubleToRawLongBits(x)); }
            case boolean[] a -> { for (boolean x : a) le.u8(x ? 1 : 0); }
            case List<?> a -> {
                for (Object x : a) {
                    if (x instanceof GgufValue nested) {
                        array(le, nested);
                    } else {
                        le.string((String) x);
                    }
                }
            }
            default -> throw new IllegalArgumentException("unsupported array storage " + v.value().getClass());
        }
    }

    /** Little-endian primitives on a stream, counting bytes for padding. */
    private static final class Le {
        final OutputStream out;
        final ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long written;

        Le(OutputStream out) {
            this.out = out;
        }

        void u8(int v) throws IOException {
            out.write(v);
            written++;
        }

        void u16(int v) throws IOException {
            buf.clear();
            out.write(buf.putShort((short) v).array(), 0, 2);
            written += 2;
        }

        void u32(int v) throws IOException {
            buf.clear();
            out.write(buf.putInt(v).array(), 0, 4);
            written += 4;
        }

        void u64(long v) throws IOException {
            buf.clear();
            out.write(buf.putLong(v).array(), 0, 8);
            written += 8;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b);
            written += b.length;
        }

        void bytes(MemorySegment seg) throws IOException {
            byte[] chunk = new byte[1 << 16];
            for (long at = 0; at < seg.byteSize(); at += chunk.length) {
                int n = (int) Math.min(chunk.length, seg.byteSize() - at);
                MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
                out.write(chunk, 0, n);
            }
            written += seg.byteSize();
        }

        void pad(int alignment) throws IOException {
            long target = GgufFile.alignUp(written, alignment);
            while (written < target) {
                u8(0);
            }
        }
    }
}
