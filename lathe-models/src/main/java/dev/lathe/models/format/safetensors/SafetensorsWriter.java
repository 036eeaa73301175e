package dev.lathe.models.format.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes tensors to a safetensors file that Hugging Face tools read: the 8-byte little-endian
 * header length, the JSON header padded with spaces so the data section starts 8-byte aligned,
 * then each tensor's bytes, contiguous, in the map's iteration order.
 *
 * <p>The write is atomic: everything goes to a temporary file in the target's directory, which is
 * synced and then renamed over the target, so a crash or error leaves either the old file or the
 * new one, never a torn one.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 20; // bytes staged per write

    private SafetensorsWriter() {}

    /**
     * Writes {@code tensors} (name to tensor, in iteration order; any layout, F32/F16/BF16) and
     * {@code metadata} (may be null or empty) to {@code file}, replacing it atomically.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("safetensors files are little-endian; this platform is "
                    + ByteOrder.nativeOrder());
        }
        byte[] header = header(file, tensors, metadata);
        AtomicFile.writeChannel(file, out -> {
            writeFully(out, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip());
            writeFully(out, ByteBuffer.wrap(header));
            // Heap tensors (float[]/short[] segments) have no ByteBuffer view: stage through one buffer.
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            MemorySegment staging = MemorySegment.ofBuffer(buffer);
            for (Tensor t : tensors.values()) {
                MemorySegment bytes = (t.isContiguous() ? t : t.copyContiguous()).data();
                for (long at = 0; at < bytes.byteSize(); at += CHUNK) {
                    int n = (int) Math.min(CHUNK, bytes.byteSize() - at);
                    MemorySegment.copy(bytes, at, staging, 0, n);
                    writeFully(out, buffer.clear().limit(n));
                }
            }
        });
    }

    /** The JSON header, padded with spaces so that 8 + its length is a multiple of 8. */
    static byte[] header(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsHeader.METADATA_KEY);
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("cannot write " + file + ": metadata entry " + k + " = " + v
                            + " has a null key or value");
                }
                meta.put(k, v);
            });
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || t == null) {
                throw new IllegalArgumentException("cannot write " + file + ": tensor name " + name
                        + " or its tensor is null");
            }
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("cannot write " + file + ": '" + name
                        + "' is reserved for metadata and cannot name a tensor");
            }
            long bytes = t.numel() * t.dtype().byteSize();
            ObjectNode entry = root.putObject(name);
            entry.put("dtype", StoredType.nameOf(t.dtype()));
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the header of " + file, e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
