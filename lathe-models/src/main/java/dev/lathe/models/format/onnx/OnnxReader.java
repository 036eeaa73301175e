package dev.lathe.models.format.onnx;

import dev.lathe.models.format.onnx.ProtoReader.LongList;
import dev.lathe.models.format.onnx.ProtoReader.Slice;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an ONNX model file ({@code ModelProto}, protobuf) into an {@link OnnxGraph}: the graph's
 * initializers, nodes, inputs and outputs. Only the fields an importer needs are decoded (field
 * numbers from onnx.proto); everything else is skipped. Weights stored as external data (models over
 * 2 GB) are refused with a clear error.
 */
final class OnnxReader {
    // ModelProto
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_T = 5;
    private static final int ATTR_INTS = 8;
    // ValueInfoProto
    private static final int VALUE_INFO_NAME = 1;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT32_DATA = 5;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_DATA_LOCATION = 14;

    private OnnxReader() {}

    /** Parses a whole ONNX file held in memory; tensors view {@code bytes}, so keep it unchanged. */
    static OnnxGraph read(byte[] bytes, String source) {
        ProtoReader model = new ProtoReader(bytes, source);
        String producer = "";
        String version = "";
        OnnxGraph graph = null;
        while (model.hasNext()) {
            int key = model.key();
            switch (ProtoReader.field(key)) {
                case MODEL_PRODUCER_NAME -> producer = model.string();
                case MODEL_PRODUCER_VERSION -> version = model.string();
                case MODEL_GRAPH -> graph = readGraph(model.message(), source);
                default -> model.skip(ProtoReader.wireType(key));
            }
        }
        if (graph == null) {
            throw new IllegalArgumentException(source + ": not an ONNX model: no graph (ModelProto field 7)");
        }
        String p = (producer + " " + version).strip();
        return new OnnxGraph(graph.initializers(), graph.nodes(), graph.inputs(), graph.outputs(), p);
    }

    private static OnnxGraph readGraph(ProtoReader r, String source) {
        Map<String, OnnxTensor> initializers = new LinkedHashMap<>();
        List<OnnxGraph.Node> nodes = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        while (r.hasNext()) {
            int key = r.key();
            switch (ProtoReader.field(key)) {
                case GRAPH_NODE -> nodes.add(readNode(r.message(), source));
                case GRAPH_INITIALIZER -> {
                    OnnxTensor t = readTensor(r.message(), source);
                    if (initializers.put(t.name(), t) != null) {
                        throw new IllegalArgumentException(source + ": initializer " + t.name() + " appears twice");
                    }
                }
                case GRAPH_INPUT -> inputs.add(readValueInfoName(r.message()));
                case GRAPH_OUTPUT -> outputs.add(readValueInfoName(r.message()));
                default -> r.skip(ProtoReader.wireType(key));
            }
        }
        inputs.removeIf(initializers::containsKey); // IR < 4 exporters list weights as inputs too
        return new OnnxGraph(initializers, List.copyOf(nodes), List.copyOf(inputs), List.copyOf(outputs), "");
    }

    private static String readValueInfoName(ProtoReader r) {
        String name = "";
        while (r.hasNext()) {
            int key = r.key();
            if (ProtoReader.field(key) == VALUE_INFO_NAME) {
                name = r.string();
            } else {
                r.skip(ProtoReader.wireType(key));
            }
        }
        return name;
    }

    private static OnnxGraph.Node readNode(ProtoReader r, String source) {
        String name = "";
        String opType = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, OnnxGraph.Attribute> attributes = new LinkedHashMap<>();
        while (r.hasNext()) {
            int key = r.key();
            switch (ProtoReader.field(key)) {
                case NODE_INPUT -> inputs.add(r.string());
                case NODE_OUTPUT -> outputs.add(r.string());
                case NODE_NAME -> name = r.string();
                case NODE_OP_TYPE -> opType = r.string();
                case NODE_ATTRIBUTE -> {
                    OnnxGraph.Attribute a = readAttribute(r.message(), source);
                    attributes.put(a.name(), a);
                }
                default -> r.skip(ProtoReader.wireType(key));
            }
        }
        return new OnnxGraph.Node(name, opType, List.copyOf(inputs), List.copyOf(outputs), attributes);
    }

    private static OnnxGraph.Attribute readAttribute(ProtoReader r, String source) {
        String name = "";
        float f = 0;
        long i = 0;
        LongList ints = new LongList();
        OnnxTensor t = null;
        while (r.hasNext()) {
            int key = r.key();
            int wire = ProtoReader.wireType(key);
            switch (ProtoReader.field(key)) {
                case ATTR_NAME -> name = r.string();
                case ATTR_F -> f = Float.intBitsToFloat(r.fixed32());
                case ATTR_I -> i = r.varint();
                case ATTR_T -> t = readTensor(r.message(), source);
                case ATTR_INTS -> r.repeatedVarint(wire, ints);
                default -> r.skip(wire);
            }
        }
        return new OnnxGraph.Attribute(name, f, i, ints.toArray(), t);
    }

    private static OnnxTensor readTensor(ProtoReader r, String source) {
        String name = "";
        int dataType = 0;
        LongList dims = new LongList();
        MemorySegment raw = null;
        ByteArrayOutputStream typed = null; // float_data / int32_data / int64_data, re-encoded little-endian
        while (r.hasNext()) {
            int key = r.key();
            int wire = ProtoReader.wireType(key);
            switch (ProtoReader.field(key)) {
                case TENSOR_DIMS -> r.repeatedVarint(wire, dims);
                case TENSOR_DATA_TYPE -> dataType = (int) r.varint();
                case TENSOR_NAME -> name = r.string();
                case TENSOR_RAW_DATA -> {
                    Slice s = r.bytes();
                    raw = MemorySegment.ofArray(s.array()).asSlice(s.offset(), s.length());
                }
                case TENSOR_FLOAT_DATA -> {
                    typed = typed == null ? new ByteArrayOutputStream() : typed;
                    if (wire == ProtoReader.LENGTH_DELIMITED) {
                        Slice s = r.bytes(); // packed fixed32: already little-endian floats
                        typed.write(s.array(), s.offset(), s.length());
                    } else {
                        writeLe(typed, r.fixed32(), 4);
                    }
                }
                case TENSOR_INT32_DATA, TENSOR_INT64_DATA -> {
                    typed = typed == null ? new ByteArrayOutputStream() : typed;
                    LongList values = new LongList();
                    r.repeatedVarint(wire, values);
                    int width = ProtoReader.field(key) == TENSOR_INT64_DATA ? 8 : 4;
                    for (long v : values.toArray()) {
                        writeLe(typed, v, width);
                    }
                }
                case TENSOR_DATA_LOCATION -> {
                    if (r.varint() != 0) {
                        throw new IllegalArgumentException(source + ": tensor " + name + " keeps its data in an"
                                + " external file (data_location EXTERNAL), which this reader does not support");
                    }
                }
                default -> r.skip(wire);
            }
        }
        MemorySegment data = raw != null ? raw
                : MemorySegment.ofArray(typed == null ? new byte[0] : typed.toByteArray());
        return new OnnxTensor(name, dataType, dims.toArray(), data);
    }

    private static void writeLe(ByteArrayOutputStream out, long v, int width) {
        byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
        out.write(b, 0, width);
    }
}
