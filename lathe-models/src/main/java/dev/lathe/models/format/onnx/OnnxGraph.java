package dev.lathe.models.format.onnx;

import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX {@code GraphProto} an importer needs: the initializers (weights) by name,
 * the nodes in file order (the graph's topological order) and the names of the graph's inputs and
 * outputs. Produced by {@link OnnxReader}.
 *
 * @param initializers weights by name, in file order
 * @param nodes        operators in file order
 * @param inputs       graph input names (without initializers listed as inputs by older exporters)
 * @param outputs      graph output names
 * @param producer     producer name and version from the ModelProto, e.g. "pytorch 2.0.1"
 */
record OnnxGraph(Map<String, OnnxTensor> initializers, List<Node> nodes, List<String> inputs, List<String> outputs,
        String producer) {

    /** One operator: its type, name, input and output value names, and attributes by name. */
    record Node(String name, String opType, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {}

    /**
     * A node attribute; only the kinds importers read are kept.
     *
     * @param f      the FLOAT value (0 when absent)
     * @param i      the INT value (0 when absent)
     * @param ints   the INTS value (empty when absent)
     * @param tensor the TENSOR value (null when absent), e.g. a Constant's value
     */
    record Attribute(String name, float f, long i, long[] ints, OnnxTensor tensor) {}
}
