package dev.lathe.models.family.bert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads an F32 safetensors file into tensors by name, for tests only: a stand-in until the
 * format.safetensors reader is merged (then tests switch to it).
 */
public final class TestSafetensors {
    private TestSafetensors() {}

    public static Map<String, Tensor> read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
            long headerLength = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            byte[] header = all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            JsonNode root = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode n = e.getValue();
                if (!n.get("dtype").asText().equals("F32")) {
                    throw new IllegalArgumentException("test reader handles F32 only: " + e.getKey());
                }
                int[] shape = new int[n.get("shape").size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = n.get("shape").get(i).intValue();
                }
                long begin = n.get("data_offsets").get(0).longValue();
                long end = n.get("data_offsets").get(1).longValue();
                float[] values = all.asSlice(8 + headerLength + begin, end - begin)
                        .toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
                out.put(e.getKey(), Tensor.of(values, shape));
            }
            return out;
        }
    }
}
