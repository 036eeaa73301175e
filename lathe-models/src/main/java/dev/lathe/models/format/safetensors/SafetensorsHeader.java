package dev.lathe.models.format.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated header of a safetensors file: its loadable tensors, the tensors of
 * types Lathe does not load, the free-form metadata, and where the data section starts.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N, N bytes of UTF-8 JSON
 * ({@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}}),
 * then the data section, to which the offsets are relative. Every check happens here, before any
 * tensor is handed out, so a tensor view can never reach outside the file.
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> unsupported,
        Map<String, String> metadata, long dataStart) {

    /** The largest header accepted; real headers are kilobytes (a 100 MB one would be an attack or a corruption). */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;
    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Shallow by design: a deep nest in a corrupt header must fail, not overflow the stack.
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final ValueLayout.OfLong U64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Parses the header of {@code file}, whose whole content is {@code bytes}; {@code file} names it in errors. */
    static SafetensorsHeader parse(String file, MemorySegment bytes) {
        long size = bytes.byteSize();
        if (size < 8) {
            throw error(file, "is " + size + " bytes long, too short for the 8-byte header length");
        }
        long n = bytes.get(U64_LE, 0);
        // n is unsigned: a value >= 2^63 reads as negative here.
        if (n < 0 || n > MAX_HEADER_BYTES || n > size - 8) {
            throw error(file, "claims a header of " + Long.toUnsignedString(n) + " bytes, but the file has "
                    + (size - 8) + " bytes after the length field (and headers are limited to "
                    + MAX_HEADER_BYTES + " bytes)");
        }
        String text = utf8(file, bytes.asSlice(8, n).toArray(ValueLayout.JAVA_BYTE));
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            throw error(file, "has a header that is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw error(file, "has a header that is not a JSON object");
        }
        long dataStart = 8 + n;
        long dataSize = size - dataStart;

        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> unsupported = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        List<Range> ranges = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(file, e.getValue());
                continue;
            }
            Entry entry = entry(file, name, e.getValue(), dataSize);
            ranges.add(new Range(name, entry.begin, entry.end));
            if (entry.type.engine == null) {
                unsupported.put(name, entry.type.name());
            } else {
                tensors.put(name, new TensorInfo(name, entry.type.engine, entry.shape, entry.begin, entry.end));
            }
        }
        checkNoOverlap(file, ranges);
        return new SafetensorsHeader(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(unsupported),
                metadata, dataStart);
    }

    private record Entry(StoredType type, int[] shape, long begin, long end) {}

    private record Range(String name, long begin, long end) {}

    private static Entry entry(String file, String name, JsonNode node, long dataSize) {
        if (!node.isObject()) {
            throw tensorError(file, name, "has an entry that is not a JSON object: " + brief(node));
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw tensorError(file, name, "has no \"dtype\" string (found " + brief(dtypeNode) + ")");
        }
        StoredType type = StoredType.byName(dtypeNode.textValue());
        if (type == null) {
            throw tensorError(file, name, "has unknown dtype \"" + dtypeNode.textValue()
                    + "\" (safetensors defines " + StoredType.all() + ")");
        }
        int[] shape = shape(file, name, node.get("shape"));
        long[] offsets = offsets(file, name, node.get("data_offsets"));
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw tensorError(file, name, "has data_offsets [" + begin + ", " + end + "] that end before they begin");
        }
        if (end > dataSize) {
            throw tensorError(file, name, "has data_offsets [" + begin + ", " + end
                    + "] past the end of the data section (" + dataSize + " bytes): the file is truncated or corrupt");
        }
        long bits;
        try {
            long numel = 1;
            for (int d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            bits = Math.multiplyExact(numel, type.bits);
        } catch (ArithmeticException overflow) {
            throw tensorError(file, name, "has shape " + Arrays.toString(shape) + " whose size in bytes overflows");
        }
        if (bits % 8 != 0 || bits / 8 != end - begin) {
            throw tensorError(file, name, "has shape " + Arrays.toString(shape) + " of " + type + " ("
                    + (bits % 8 == 0 ? (bits / 8) + " bytes" : bits + " bits, not a whole number of bytes")
                    + ") but data_offsets [" + begin + ", " + end + "] span " + (end - begin) + " bytes");
        }
        return new Entry(type, shape, begin, end);
    }

    private static int[] shape(String file, String name, JsonNode node) {
        if (node == null || !node.isArray()) {
            throw tensorError(file, name, "has no \"shape\" array (found " + brief(node) + ")");
        }
        int[] shape = new int[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong()) {
                throw tensorError(file, name, "has shape dimension " + i + " that is not an integer: " + brief(d));
            }
            long v = d.longValue();
            if (v < 0) {
                throw tensorError(file, name, "has negative shape dimension " + i + ": " + v);
            }
            if (v > Integer.MAX_VALUE) {
                throw tensorError(file, name, "has shape dimension " + i + " of " + v
                        + ", larger than " + Integer.MAX_VALUE);
            }
            shape[i] = (int) v;
        }
        return shape;
    }

    private static long[] offsets(String file, String name, JsonNode node) {
        if (node == null || !node.isArray() || node.size() != 2) {
            throw tensorError(file, name, "has no \"data_offsets\" array of two integers (found " + brief(node) + ")");
        }
        long[] out = new long[2];
        for (int i = 0; i < 2; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw tensorError(file, name, "has data_offsets " + brief(node)
                        + " that are not two non-negative integers");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static Map<String, String> metadata(String file, JsonNode node) {
        if (!node.isObject()) {
            throw error(file, "has \"" + METADATA_KEY + "\" that is not a JSON object: " + brief(node));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw error(file, "has \"" + METADATA_KEY + "\" entry \"" + e.getKey()
                        + "\" that is not a string: " + brief(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static void checkNoOverlap(String file, List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.removeIf(r -> r.begin == r.end); // empty tensors occupy no bytes
        sorted.sort(Comparator.comparingLong(Range::begin));
        for (int i = 1; i < sorted.size(); i++) {
            Range a = sorted.get(i - 1);
            Range b = sorted.get(i);
            if (b.begin < a.end) {
                throw tensorError(file, b.name, "has data_offsets [" + b.begin + ", " + b.end
                        + "] that overlap those of tensor '" + a.name + "' [" + a.begin + ", " + a.end + "]");
            }
        }
    }

    private static String utf8(String file, byte[] header) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(header)).toString();
        } catch (CharacterCodingException e) {
            throw error(file, "has a header that is not valid UTF-8", e);
        }
    }

    private static String brief(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String s = node.toString();
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    static SafetensorsFormatException error(String file, String defect) {
        return new SafetensorsFormatException("safetensors file " + file + " " + defect);
    }

    static SafetensorsFormatException error(String file, String defect, Throwable cause) {
        return new SafetensorsFormatException("safetensors file " + file + " " + defect, cause);
    }

    static SafetensorsFormatException tensorError(String file, String name, String defect) {
        return new SafetensorsFormatException("safetensors file " + file + ": tensor '" + name + "' " + defect);
    }
}
