package dev.lathe.models.format.gguf;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF file (versions 2 and 3, little-endian), memory-mapped and validated on open. The layout, per
 * the spec (ggml docs/gguf.md):
 * <pre>
 *   header:       uint32 magic "GGUF" (bytes 47 47 55 46), uint32 version,
 *                 uint64 tensor_count, uint64 metadata_kv_count
 *   metadata:     metadata_kv_count x { gguf_string key, uint32 value_type, value }
 *   tensor infos: tensor_count x { gguf_string name (at most 64 bytes), uint32 n_dimensions,
 *                 uint64 dimensions[n_dimensions] (innermost first), uint32 ggml_type,
 *                 uint64 offset (relative to the tensor data, a multiple of ALIGNMENT) }
 *   padding:      0x00 up to the next multiple of ALIGNMENT (general.alignment, default 32)
 *   tensor data:  each tensor's bytes at its offset
 * </pre>
 * Version 1 used uint32 counts and lengths and is not read; version 3 only added big-endian files,
 * which cannot be told apart by content except by a byte-swapped version number, and are refused.
 *
 * <p>Every length is bounded by the bytes left in the file before anything is allocated, tensors
 * must lie inside the file without overlapping, and sizes must agree with type and shape, so a bad
 * file fails with a {@link GgufFormatException} naming the file, the key or tensor, and the defect.
 *
 * <p>{@link #tensor} wraps F32, F16 and BF16 data in place (the mapping lives as long as any tensor
 * over it is reachable) and dequantizes Q8_0 and Q4_0 to new F32 tensors.
 */
public final class GgufFile {
    /** "GGUF" read as a little-endian uint32. */
    static final int MAGIC = 0x46554747;
    public static final int DEFAULT_ALIGNMENT = 32;
    static final int MAX_NAME_BYTES = 64;
    static final int MAX_KEY_BYTES = 65535;
    static final int MAX_DIMS = 4;

    private final Path path;
    private final MemorySegment data;
    private final int version;
    private final int alignment;
    private final long dataStart;
    private final Map<String, GgufValue> metadata;
    private final Map<String, GgufTensorInfo> tensors;

    private GgufFile(Path path, MemorySegment data, int version, int alignment, long dataStart,
            Map<String, GgufValue> metadata, Map<String, GgufTensorInfo> tensors) {
        this.path = path;
        this.data = data;
        this.version = version;
        this.alignment = alignment;
        this.dataStart = dataStart;
        this.metadata = Collections.unmodifiableMap(metadata);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Maps and validates a GGUF file. */
    public static GgufFile open(Path path) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("GGUF tensors are mapped in place, which needs a little-endian CPU");
        }
        MemorySegment segment;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            segment = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        }
        return parse(path, segment);
    }

    /** Parses GGUF bytes already in memory ({@code name} is used in error messages). */
    static GgufFile parse(Path file, MemorySegment segment) {
        GgufCursor in = new GgufCursor(file, segment);
        in.at("header");
        long magic = in.u32();
        if ((int) magic != MAGIC) {
            throw in.error(String.format("magic is 0x%08X, not \"GGUF\" (0x%08X): not a GGUF file", magic, MAGIC));
        }
        long version = in.u32();
        if (version == 1) {
            throw in.error("version 1 (uint32 counts) is not supported; convert the file to version 3");
        }
        if (version != 2 && version != 3) {
            String hint = (version & 0xFFFF) == 0 && version != 0 ? " (a big-endian file? Lathe reads little-endian)" : "";
            throw in.error("unsupported version " + version + hint + "; versions 2 and 3 are read");
        }
        long tensorCount = in.u64();
        long kvCount = in.u64();
        // Bound the counts by the smallest possible entries, so a corrupt count fails here.
        in.requireCount(kvCount, 8 + 4 + 1, "metadata_kv_count");
        in.requireCount(tensorCount, 8 + 4 + 4 + 8, "tensor_count");

        Map<String, GgufValue> metadata = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            in.at("metadata entry " + i);
            String key = in.string(MAX_KEY_BYTES, "key");
            in.at("metadata key '" + key + "'");
            if (!key.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
                throw in.error("key is not printable ASCII");
            }
            GgufValue value = in.value(in.valueType(), 0);
            if (metadata.putIfAbsent(key, value) != null) {
                throw in.error("key appears twice");
            }
        }

        int alignment = DEFAULT_ALIGNMENT;
        GgufValue align = metadata.get("general.alignment");
        if (align != null) {
            in.at("metadata key 'general.alignment'");
            if (align.type() != GgufValueType.UINT32) {
                throw in.error("type is " + align.describe() + ", expected UINT32");
            }
            long a = align.asLong();
            if (a == 0 || a % 8 != 0 || a > (1 << 20)) {
                throw in.error("alignment " + a + " is not a positive multiple of 8 (at most 2^20)");
            }
            alignment = (int) a;
        }

        List<long[]> raw = new ArrayList<>(); // per tensor: relative offset, byte size
        List<String> names = new ArrayList<>();
        List<GgmlType> types = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            in.at("tensor info " + i);
            String name = in.string(MAX_NAME_BYTES, "name");
            in.at("tensor '" + name + "'");
            long nDims = in.u32();
            if (nDims > MAX_DIMS) {
                throw in.error(nDims + " dimensions, at most " + MAX_DIMS + " are allowed");
            }
            long[] dims = new long[(int) nDims];
            for (int d = 0; d < nDims; d++) {
                dims[d] = in.u64();
            }
            long typeId = in.u32();
            GgmlType type = GgmlType.byId(typeId);
            if (type == null) {
                throw in.error("unknown ggml type " + typeId);
            }
            long offset = in.u64();
            int[] shape = new int[dims.length];
            long numel = 1;
            for (int d = 0; d < dims.length; d++) {
                long n = dims[d];
                if (n < 0 || n > Integer.MAX_VALUE) {
                    throw in.error("dimension " + d + " is " + Long.toUnsignedString(n) + ", more than an int holds");
                }
                shape[dims.length - 1 - d] = (int) n; // GGUF lists innermost first; we are row-major
                numel = multiply(in, numel, n, "element count");
            }
            long inner = dims.length == 0 ? 1 : dims[0];
            if (inner % type.blockSize() != 0) {
                throw in.error("innermost dimension " + inner + " is not a multiple of the " + type
                        + " block size " + type.blockSize());
            }
            long bytes = multiply(in, numel / type.blockSize(), type.typeSize(), "byte size");
            if (Long.remainderUnsigned(offset, alignment) != 0) {
                throw in.error("data offset " + Long.toUnsignedString(offset) + " is not a multiple of the alignment "
                        + alignment);
            }
            if (!seen.add(name)) {
                throw in.error("tensor name appears twice");
            }
            names.add(name);
            types.add(type);
            shapes.add(shape);
            raw.add(new long[] {offset, bytes});
        }
        in.at("tensor data");
        long dataStart = alignUp(in.position(), alignment);
        long fileSize = segment.byteSize();
        if (tensorCount > 0 && dataStart > fileSize) {
            throw in.error("tensor data would start at byte " + dataStart + ", past the end of the "
                    + fileSize + "-byte file");
        }

        Map<String, GgufTensorInfo> infos = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            long offset = raw.get(i)[0];
            long bytes = raw.get(i)[1];
            // Unsigned comparisons: the offset came from the file and may be anything.
            if (Long.compareUnsigned(offset, fileSize - dataStart) > 0 || bytes > fileSize - dataStart - offset) {
                in.at("tensor '" + names.get(i) + "'");
                throw in.error("data [" + Long.toUnsignedString(offset) + ", +" + bytes + ") relative to byte "
                        + dataStart + " runs past the end of the " + fileSize + "-byte file");
            }
            infos.put(names.get(i), new GgufTensorInfo(names.get(i), types.get(i), shapes.get(i),
                    dataStart + offset, bytes));
        }
        checkNoOverlap(file, infos);
        return new GgufFile(file, segment, (int) version, alignment, dataStart, metadata, infos);
    }

    private static void checkNoOverlap(Path path, Map<String, GgufTensorInfo> infos) {
        List<GgufTensorInfo> sorted = new ArrayList<>(infos.values());
        sorted.sort(Comparator.comparingLong(GgufTensorInfo::fileOffset));
        for (int i = 1; i < sorted.size(); i++) {
            GgufTensorInfo a = sorted.get(i - 1);
            GgufTensorInfo b = sorted.get(i);
            if (a.byteSize() > 0 && b.byteSize() > 0 && a.fileOffset() + a.byteSize() > b.fileOffset()) {
                throw new GgufFormatException(path + ": tensor '" + b.name() + "': data overlaps tensor '"
                        + a.name() + "'");
            }
        }
    }

    private static long multiply(GgufCursor in, long a, long b, String what) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw in.error(what + " overflows");
        }
    }

    static long alignUp(long position, long alignment) {
        return position + (alignment - position % alignment) % alignment;
    }

    // ---- contents ----

    public Path path() {
        return path;
    }

    /** 2 or 3. */
    public int version() {
        return version;
    }

    /** general.alignment, or 32. */
    public int alignment() {
        return alignment;
    }

    /** Byte offset of the tensor data section. */
    public long dataStart() {
        return dataStart;
    }

    /** All metadata in file order. */
    public Map<String, GgufValue> metadata() {
        return metadata;
    }

    /** Tensor infos in file order, by name. */
    public Map<String, GgufTensorInfo> tensorInfos() {
        return tensors;
    }

    /** The value of {@code key}, or a {@link GgufFormatException} naming the file and the key. */
    public GgufValue require(String key) {
        GgufValue v = metadata.get(key);
        if (v == null) {
            throw new GgufFormatException(path + ": metadata key '" + key + "' is missing");
        }
        return v;
    }

    /** A string value of {@code key}, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : checked(key, v, () -> v.asString());
    }

    /** An integer value of {@code key}, or {@code fallback} when absent. */
    public long integer(String key, long fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : checked(key, v, () -> v.asLong());
    }

    /** A numeric value of {@code key}, or {@code fallback} when absent. */
    public double number(String key, double fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : checked(key, v, () -> v.asDouble());
    }

    /** A bool value of {@code key}, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        GgufValue v = metadata.get(key);
        return v == null ? fallback : checked(key, v, () -> v.asBoolean());
    }

    /** Runs an accessor, turning a type mismatch into an error naming the file and key. */
    <T> T checked(String key, GgufValue v, java.util.function.Supplier<T> get) {
        try {
            return get.get();
        } catch (IllegalStateException e) {
            throw new GgufFormatException(path + ": metadata key '" + key + "' (" + v.describe() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * The tensor {@code name}: F32/F16/BF16 wrapped in place (read-only memory: copy before writing),
     * Q8_0/Q4_0 dequantized to a new F32 tensor. Row-major shape.
     */
    public Tensor tensor(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "'");
        }
        MemorySegment bytes = data.asSlice(info.fileOffset(), info.byteSize());
        DType inPlace = info.type().inPlaceType();
        if (inPlace != null) {
            return Tensor.wrap(bytes, inPlace, info.shape());
        }
        return switch (info.type()) {
            case Q8_0, Q4_0 -> {
                Tensor out = Tensor.zeros(info.shape());
                GgmlQuant.dequantize(info.type(), bytes, out.data(), info.numel());
                yield out;
            }
            default -> throw new GgufFormatException(path + ": tensor '" + name + "' has type " + info.type()
                    + ", which Lathe cannot load (it loads F32, F16, BF16, Q8_0 and Q4_0)");
        };
    }

    /** All tensors, in file order (see {@link #tensor}). */
    public Map<String, Tensor> tensors() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            out.put(name, tensor(name));
        }
        return out;
    }

    /** The raw bytes of a tensor as stored (any type). */
    public MemorySegment rawBytes(String name) {
        GgufTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException(path + ": no tensor '" + name + "'");
        }
        return data.asSlice(info.fileOffset(), info.byteSize()).asReadOnly();
    }
}
