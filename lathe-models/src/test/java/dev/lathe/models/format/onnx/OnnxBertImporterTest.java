package dev.lathe.models.format.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.Activation;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The MiniLM ONNX graph: names recovered, MatMul weights transposed, config read from the graph. */
class OnnxBertImporterTest {
    /**
     * A reference conversion of MiniLM (model.safetensors written by sentence-transformers), compared only when
     * named with {@code -Dlathe.minilm.reference=<file>}: tests read nothing outside the checkout by themselves.
     */
    private static final String REFERENCE_PROPERTY = "lathe.minilm.reference";
    private static OnnxGraph graph;

    @BeforeAll
    static void readGraph() throws IOException {
        try (InputStream in = MiniLm.resource(MiniLm.ONNX_RESOURCE)) {
            graph = OnnxReader.read(in.readAllBytes(), "all-minilm-l6-v2.onnx");
        }
    }

    @Test
    void readsTheGraphInterfaceAndInitializers() {
        assertThat(graph.producer()).isEqualTo("pytorch 2.0.1");
        assertThat(graph.inputs()).containsExactly("input_ids", "attention_mask", "token_type_ids");
        assertThat(graph.outputs()).containsExactly("last_hidden_state");
        assertThat(graph.initializers()).hasSize(5 + 1 + 6 * 10 + 6 * 6);
        assertThat(graph.initializers().get("embeddings.word_embeddings.weight").dims()).containsExactly(30522, 384);
    }

    @Test
    void recoversEveryBertModelTensorWithHuggingFaceNamesAndLayouts() {
        OnnxBertImporter.Imported imported = OnnxBertImporter.fromGraph(graph, "minilm");
        assertThat(imported.tensors()).hasSize(101).doesNotContainKey("embeddings.position_ids");
        assertThat(imported.tensors().keySet()).noneMatch(n -> n.startsWith("onnx::"));
        assertThat(imported.tensors().get("encoder.layer.0.intermediate.dense.weight").shape())
                .containsExactly(1536, 384);
        assertThat(imported.tensors().get("encoder.layer.5.output.dense.weight").shape()).containsExactly(384, 1536);
        // The query weight of layer 0 is the transpose of the MatMul operand feeding its Add.
        Tensor q = imported.tensors().get("encoder.layer.0.attention.self.query.weight");
        Tensor operand = graph.initializers().get("onnx::MatMul_787").toTensor();
        assertThat(q.get(3, 200)).isEqualTo(operand.get(200, 3));
        assertThat(imported.config().numAttentionHeads()).isEqualTo(12);
        assertThat(imported.config().normEps()).isEqualTo(1e-12);
        assertThat(imported.config().hiddenAct()).isEqualTo(Activation.GELU);
    }

    @Test
    void theWrittenConfigJsonParsesBackToTheRecoveredConfig() {
        ModelConfig recovered = OnnxBertImporter.fromGraph(graph, "minilm").config();
        String json = recovered.toJson();
        assertThat(json).contains("\"layer_norm_eps\" : 1.0E-12")
                .contains("\"position_embedding_type\" : \"absolute\"");
        assertThat(ModelConfig.parse(json, null, "imported/config.json")).isEqualTo(recovered);
    }

    @Test
    void importedTensorsEqualTheReferenceConversionWhenItIsPresent() throws IOException {
        String named = System.getProperty(REFERENCE_PROPERTY);
        assumeTrue(named != null, "no reference conversion named with -D" + REFERENCE_PROPERTY);
        Path reference = Path.of(named);
        assumeTrue(Files.exists(reference), "reference conversion not present: " + reference.toAbsolutePath());
        Map<String, Tensor> ours = OnnxBertImporter.fromGraph(graph, "minilm").tensors();
        try (SafetensorsFile file = SafetensorsFile.open(reference)) {
            assertThat(ours.keySet()).isEqualTo(file.names());
            List<String> differing = new ArrayList<>();
            for (String name : file.names()) {
                if (!java.util.Arrays.equals(ours.get(name).toFloatArray(), file.tensor(name).toFloatArray())) {
                    differing.add(name);
                }
            }
            assertThat(differing).as("tensors differing from " + reference).isEmpty();
            System.out.println("all " + file.names().size() + " imported tensors equal " + reference);
        }
    }

    @Test
    void anAnonymousMatMulWeightWithoutANamedBiasIsReported() {
        List<OnnxGraph.Node> nodes = new ArrayList<>(graph.nodes());
        // Cut layer 0's query Add off its bias: the weight can no longer be named.
        for (int i = 0; i < nodes.size(); i++) {
            OnnxGraph.Node n = nodes.get(i);
            if (n.inputs().contains("encoder.layer.0.attention.self.query.bias")) {
                nodes.set(i, new OnnxGraph.Node(n.name(), n.opType(), List.of("x", n.inputs().get(1)), n.outputs(),
                        n.attributes()));
            }
        }
        OnnxGraph broken = new OnnxGraph(graph.initializers(), nodes, graph.inputs(), graph.outputs(), "");
        assertThatThrownBy(() -> OnnxBertImporter.fromGraph(broken, "broken.onnx"))
                .hasMessageContaining("broken.onnx").hasMessageContaining("onnx::MatMul_787")
                .hasMessageContaining("named <prefix>.bias");
    }
}
