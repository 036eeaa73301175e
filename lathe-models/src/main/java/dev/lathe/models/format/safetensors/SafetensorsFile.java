package dev.lathe.models.format.safetensors;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file, memory-mapped: {@link #tensor(String)} returns a tensor over the mapped
 * bytes with no copy, so opening a multi-gigabyte checkpoint costs only the header parse and the
 * operating system pages weights in as they are used.
 *
 * <p>The whole header is validated on {@link #open}: header length, JSON syntax, duplicate names,
 * dtypes, shapes (negative or overflowing), each tensor's byte count against its shape, and that
 * every tensor lies inside the data section without overlapping another. A malformed file fails
 * with a {@link SafetensorsFormatException} naming the file, the tensor and the defect.
 *
 * <p>Tensors of types valid in the format but not loaded by Lathe (integers, F64, 8-bit floats...)
 * do not appear in {@link #names()}; they are listed by {@link #unsupported()}, so a checkpoint
 * that carries, say, an I64 buffer still opens.
 *
 * <p>The mapping is read-only: copy a tensor ({@link Tensor#copyContiguous()}, {@link Tensor#to})
 * before writing to it. {@link #close()} unmaps the file; tensors obtained from it then fail with
 * an {@link IllegalStateException} instead of reading unmapped memory. The file is safe to read
 * from several threads; do not close it while another thread is using its tensors.
 */
public final class SafetensorsFile implements Weights {
    private final Path path;
    private final String label;       // how errors name the file
    private final SafetensorsHeader header;
    private final MemorySegment data; // the data section
    private final Arena arena;        // null when the bytes are not ours to free (tests)

    private SafetensorsFile(Path path, String label, SafetensorsHeader header, MemorySegment whole, Arena arena) {
        this.path = path;
        this.label = label;
        this.header = header;
        this.data = whole.asSlice(header.dataStart());
        this.arena = arena;
    }

    /** Memory-maps {@code file} and validates its header. */
    public static SafetensorsFile open(Path file) throws IOException {
        checkByteOrder();
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new SafetensorsFile(file, file.toString(), SafetensorsHeader.parse(file.toString(), whole),
                    whole, arena);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses a whole file already in memory; {@code file} only names it in errors. The caller owns {@code bytes}. */
    static SafetensorsFile of(Path file, MemorySegment bytes) {
        checkByteOrder();
        return new SafetensorsFile(file, file.toString(), SafetensorsHeader.parse(file.toString(), bytes), bytes, null);
    }

    /** The loadable tensors' names (F32, F16, BF16), in header order. */
    @Override
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /** The header entry of a loadable tensor. */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw missing(name);
        }
        return info;
    }

    /** A tensor over the mapped bytes (no copy, read-only), valid until {@link #close()}. */
    @Override
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        if (arena != null && !arena.scope().isAlive()) {
            throw new IllegalStateException("safetensors file " + label + " is closed; cannot read tensor '"
                    + name + "'");
        }
        return Tensor.wrap(data.asSlice(info.begin(), info.byteSize()), info.dtype(), info.shape());
    }

    /**
     * Tensors present in the file whose type Lathe does not load, name to safetensors dtype
     * (for example {@code "embeddings.position_ids" -> "I64"}).
     */
    public Map<String, String> unsupported() {
        return header.unsupported();
    }

    /** The header's {@code __metadata__} (string to string; empty when absent). */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    public Path path() {
        return path;
    }

    /** Unmaps the file (idempotent). Tensors from it fail with IllegalStateException afterwards. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile(" + label + ", " + names().size() + " tensors)";
    }

    private IllegalArgumentException missing(String name) {
        String type = header.unsupported().get(name);
        if (type != null) {
            return new IllegalArgumentException("safetensors file " + label + ": tensor '" + name + "' has dtype "
                    + type + ", which Lathe does not load (it loads " + StoredType.loadable() + ")");
        }
        return new IllegalArgumentException("safetensors file " + label + " has no tensor named '" + name + "' ("
                + names().size() + " tensors)");
    }

    private static void checkByteOrder() {
        // The format is little-endian and tensors are read in native order.
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors files are little-endian; this platform is "
                    + ByteOrder.nativeOrder());
        }
    }
}
