package dev.lathe.models.format.onnx;

import dev.lathe.engine.io.AtomicFolder;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.op.RopeConfig;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.Activation;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.config.ModelFamily;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Turns a BERT sentence-embedding model exported to ONNX by PyTorch (e.g. all-MiniLM-L6-v2) into a
 * Hugging Face folder: {@code model.safetensors} (F32, BertModel tensor names), {@code config.json},
 * {@code tokenizer.json} and the sentence-transformers pooling files (mean pooling, normalisation).
 *
 * <p>Names: initializers the exporter kept named (embeddings, biases, LayerNorm weights) map
 * directly. Linear weights the exporter inlined as anonymous {@code onnx::MatMul_N} initializers,
 * stored (in, out), are named from the graph: the MatMul whose output feeds an Add with a named
 * {@code <prefix>.bias} initializer holds {@code <prefix>.weight}, transposed back to (out, in).
 * The config is recovered from the weight shapes, the attention Reshape (heads) and the LayerNorm
 * epsilon constant (or a LayerNormalization node's {@code epsilon}) as a {@link ModelConfig}, and
 * {@code config.json} is that config's {@link ModelConfig#toJson()}, so the folder reads back to it.
 */
public final class OnnxBertImporter {
    /** Files of a complete imported folder. */
    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String TOKENIZER = "tokenizer.json";

    private OnnxBertImporter() {}

    /** The weights by Hugging Face name and the recovered config. */
    public record Imported(Map<String, Tensor> tensors, ModelConfig config) {}

    /**
     * Reads the ONNX model and writes the Hugging Face folder {@code targetDir} atomically: it is built
     * in a temporary sibling and moved into place, so a reader never sees a half-written folder. An
     * existing {@code targetDir} is replaced.
     */
    public static void importTo(InputStream onnx, InputStream tokenizerJson, Path targetDir) throws IOException {
        Imported imported = read(onnx, "ONNX model for " + targetDir);
        byte[] tokenizer = tokenizerJson.readAllBytes();
        AtomicFolder.replace(targetDir, tmp -> {
            SafetensorsWriter.write(tmp.resolve(WEIGHTS), imported.tensors(), Map.of("format", "pt"));
            Files.writeString(tmp.resolve(CONFIG), imported.config().toJson());
            Files.write(tmp.resolve(TOKENIZER), tokenizer);
            Files.writeString(tmp.resolve("modules.json"), MODULES_JSON);
            Files.createDirectories(tmp.resolve("1_Pooling"));
            Files.writeString(tmp.resolve("1_Pooling").resolve("config.json"), "{\"word_embedding_dimension\": "
                    + imported.config().hiddenSize() + ", \"pooling_mode_cls_token\": false,"
                    + " \"pooling_mode_mean_tokens\": true, \"pooling_mode_max_tokens\": false,"
                    + " \"pooling_mode_mean_sqrt_len_tokens\": false}\n");
        });
    }

    /** Reads a BERT ONNX model into tensors by Hugging Face name plus its config; nothing is written. */
    public static Imported read(InputStream onnx, String source) throws IOException {
        return fromGraph(OnnxReader.read(onnx.readAllBytes(), source), source);
    }

    static Imported fromGraph(OnnxGraph graph, String source) {
        Map<String, List<OnnxGraph.Node>> consumers = new HashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, Tensor> tensors = new TreeMap<>();
        for (OnnxTensor t : graph.initializers().values()) {
            if (!t.name().startsWith("onnx::") && t.dataType() == OnnxTensor.FLOAT) {
                tensors.put(t.name(), t.toTensor()); // position_ids (INT64) is a buffer, not a weight
            }
        }
        for (OnnxGraph.Node n : graph.nodes()) {
            if (!n.opType().equals("MatMul") || n.inputs().size() != 2) {
                continue;
            }
            OnnxTensor w = graph.initializers().get(n.inputs().get(1));
            if (w == null || tensors.containsKey(w.name())) {
                continue; // activation x activation (attention scores) or an already named weight
            }
            String prefix = biasPrefix(graph, consumers.getOrDefault(n.outputs().get(0), List.of()));
            if (prefix == null) {
                throw new IllegalArgumentException(source + ": cannot name MatMul weight " + w.name() + " of node "
                        + n.name() + ": its output does not feed an Add with a named <prefix>.bias initializer");
            }
            if (w.dims().length != 2) {
                throw new IllegalArgumentException(source + ": MatMul weight " + w.name() + " for " + prefix
                        + ".weight has dims " + Arrays.toString(w.dims()) + ", expected (in, out)");
            }
            // MatMul computes x W with W (in, out); nn.Linear stores (out, in).
            Tensor transposed = Views.transpose(w.toTensor(), 0, 1).copyContiguous();
            if (tensors.put(prefix + ".weight", transposed) != null) {
                throw new IllegalArgumentException(source + ": two MatMul weights map to " + prefix + ".weight");
            }
        }
        ModelConfig config = recoverConfig(graph, tensors, consumers, source);
        try {
            BertModel.load(tensors, config); // every tensor present with its expected shape
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
        return new Imported(tensors, config);
    }

    private static String biasPrefix(OnnxGraph graph, List<OnnxGraph.Node> consumers) {
        for (OnnxGraph.Node add : consumers) {
            if (!add.opType().equals("Add")) {
                continue;
            }
            for (String in : add.inputs()) {
                if (in.endsWith(".bias") && graph.initializers().containsKey(in)) {
                    return in.substring(0, in.length() - ".bias".length());
                }
            }
        }
        return null;
    }

    private static ModelConfig recoverConfig(OnnxGraph graph, Map<String, Tensor> tensors,
            Map<String, List<OnnxGraph.Node>> consumers, String source) {
        Tensor word = require(tensors, "embeddings.word_embeddings.weight", source);
        Tensor positions = require(tensors, "embeddings.position_embeddings.weight", source);
        Tensor types = require(tensors, "embeddings.token_type_embeddings.weight", source);
        Tensor intermediate = require(tensors, "encoder.layer.0.intermediate.dense.bias", source);
        int layers = 0;
        while (tensors.containsKey("encoder.layer." + layers + ".output.LayerNorm.weight")) {
            layers++;
        }
        int hidden = word.dim(1);
        boolean erf = graph.nodes().stream().anyMatch(n -> n.opType().equals("Erf") || n.opType().equals("Gelu"));
        boolean tanh = graph.nodes().stream().anyMatch(n -> n.opType().equals("Tanh"));
        if (!erf && !tanh) {
            throw new IllegalArgumentException(source + ": no GELU found (neither Erf nor Tanh nodes)");
        }
        int heads = heads(graph, consumers, hidden, source);
        // The graph holds epsilon as a float; its shortest decimal (1e-12, not 9.99999996e-13) is what HF wrote.
        double eps = Double.parseDouble(Float.toString(epsilon(graph, source)));
        return new ModelConfig(ModelFamily.BERT, "bert", word.dim(0), hidden, intermediate.dim(0), layers, heads,
                heads, hidden / heads, positions.dim(0), eps, 10000.0, new RopeConfig.None(), true,
                erf ? Activation.GELU : Activation.GELU_TANH, true, true, true, OptionalInt.empty(), List.of(),
                OptionalInt.of(0), "float32", types.dim(0));
    }

    /** Heads H from the Reshape (B, T, H, D) applied to layer 0's query projection. */
    private static int heads(OnnxGraph graph, Map<String, List<OnnxGraph.Node>> consumers, int hidden,
            String source) {
        Map<String, OnnxGraph.Node> producers = new HashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
        }
        String bias = "encoder.layer.0.attention.self.query.bias";
        for (OnnxGraph.Node add : consumers.getOrDefault(bias, List.of())) {
            for (OnnxGraph.Node reshape : consumers.getOrDefault(add.outputs().get(0), List.of())) {
                if (reshape.opType().equals("Reshape") && reshape.inputs().size() == 2) {
                    long[] shape = constant(graph, producers, reshape.inputs().get(1));
                    if (shape != null && shape.length == 4 && shape[2] > 0 && hidden % shape[2] == 0) {
                        return (int) shape[2];
                    }
                }
            }
        }
        throw new IllegalArgumentException(source + ": cannot find the number of attention heads: no Reshape to"
                + " (B, T, H, D) with a constant H follows the Add of " + bias);
    }

    /** The integer values of a value name when they are constant; unknown entries of a Concat are -1. */
    private static long[] constant(OnnxGraph graph, Map<String, OnnxGraph.Node> producers, String name) {
        OnnxTensor init = graph.initializers().get(name);
        if (init != null) {
            return init.longs();
        }
        OnnxGraph.Node n = producers.get(name);
        if (n == null) {
            return null;
        }
        if (n.opType().equals("Constant") && n.attributes().containsKey("value")) {
            OnnxTensor t = n.attributes().get("value").tensor();
            return t == null || (t.dataType() != OnnxTensor.INT64 && t.dataType() != OnnxTensor.INT32) ? null
                    : t.longs();
        }
        if (n.opType().equals("Concat")) {
            List<Long> all = new ArrayList<>();
            for (String in : n.inputs()) {
                long[] part = constant(graph, producers, in);
                if (part == null) {
                    all.add(-1L); // a dynamic dimension (Unsqueeze of a Shape entry): one element
                } else {
                    for (long v : part) {
                        all.add(v);
                    }
                }
            }
            return all.stream().mapToLong(Long::longValue).toArray();
        }
        return null;
    }

    /** LayerNorm epsilon: a LayerNormalization attribute, or the scalar added to the variance before Sqrt. */
    private static float epsilon(OnnxGraph graph, String source) {
        Map<String, OnnxGraph.Node> producers = new HashMap<>();
        for (OnnxGraph.Node n : graph.nodes()) {
            if (n.opType().equals("LayerNormalization")) {
                OnnxGraph.Attribute eps = n.attributes().get("epsilon");
                return eps == null ? 1e-5f : eps.f(); // the ONNX default
            }
            for (String out : n.outputs()) {
                producers.put(out, n);
            }
        }
        for (OnnxGraph.Node sqrt : graph.nodes()) {
            if (!sqrt.opType().equals("Sqrt")) {
                continue;
            }
            OnnxGraph.Node add = producers.get(sqrt.inputs().get(0));
            if (add == null || !add.opType().equals("Add")) {
                continue;
            }
            for (String in : add.inputs()) {
                float[] v = floatConstant(graph, producers, in);
                if (v != null && v.length == 1) {
                    return v[0];
                }
            }
        }
        throw new IllegalArgumentException(source + ": cannot find the LayerNorm epsilon (no LayerNormalization"
                + " node and no Sqrt(Add(variance, constant)))");
    }

    private static float[] floatConstant(OnnxGraph graph, Map<String, OnnxGraph.Node> producers, String name) {
        OnnxTensor t = graph.initializers().get(name);
        if (t == null) {
            OnnxGraph.Node n = producers.get(name);
            if (n != null && n.opType().equals("Constant") && n.attributes().containsKey("value")) {
                t = n.attributes().get("value").tensor();
            }
        }
        return t == null || t.dataType() != OnnxTensor.FLOAT ? null : t.floats();
    }

    private static Tensor require(Map<String, Tensor> tensors, String name, String source) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException(source + ": initializer " + name + " is missing; not a BERT model?");
        }
        return t;
    }

    private static final String MODULES_JSON = """
            [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
             {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
             {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
            """;
}
