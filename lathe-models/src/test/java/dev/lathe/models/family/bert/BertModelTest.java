package dev.lathe.models.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Reductions;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A tiny random BERT against plain PyTorch (tools/reference/bert.py): hidden states, pooling, gradients. */
class BertModelTest {
    private static final double TOLERANCE = 1e-4;
    private static Map<String, Tensor> weights;
    private static ModelConfig config;
    private static JsonNode expected;
    private static Path modelDir;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        Path dir = Path.of(BertModelTest.class.getResource("/models/bert-tiny/config.json").toURI()).getParent();
        config = ModelConfig.read(dir);
        weights = new HashMap<>();
        try (Weights file = Weights.open(dir)) {
            for (String name : file.names()) {
                weights.put(name, file.tensor(name).copyContiguous()); // outlive the mapping
            }
        }
        modelDir = dir;
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
    }

    private static int[][] ints(String field) {
        JsonNode n = expected.get(field);
        int[][] out = new int[n.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new int[n.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = n.get(i).get(j).intValue();
            }
        }
        return out;
    }

    private static float[] floats(String field) {
        JsonNode data = expected.get(field).get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) data.get(i).doubleValue();
        }
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void paddedBatchMatchesPyTorchIncludingPaddedPositions() {
        BertModel model = BertModel.load(weights, config);
        Tensor hidden = model.lastHiddenState(ints("ids"), ints("attention_mask"), ints("token_type_ids"));
        assertThat(hidden.shape()).containsExactly(2, 7, 16);
        double diff = maxAbsDiff(hidden.toFloatArray(), floats("last_hidden_state"));
        System.out.println("bert-tiny last_hidden_state max |diff| vs PyTorch: " + diff);
        assertThat(diff).isLessThan(TOLERANCE);
    }

    @Test
    void paddingDoesNotChangeTheRealTokens() {
        BertModel model = BertModel.load(weights, config);
        int[][] ids = ints("ids");
        int[][] types = ints("token_type_ids");
        Tensor alone = model.lastHiddenState(new int[][] {java.util.Arrays.copyOf(ids[1], 4)}, null,
                new int[][] {java.util.Arrays.copyOf(types[1], 4)});
        assertThat(maxAbsDiff(alone.toFloatArray(), floats("unpadded_second"))).isLessThan(TOLERANCE);
        Tensor padded = model.lastHiddenState(ids, ints("attention_mask"), types);
        float[] p = padded.toFloatArray();
        float[] a = alone.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat((double) p[7 * 16 + i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(TOLERANCE));
        }
    }

    @Test
    void sentenceEmbeddingsAreMaskedMeansNormalisedToUnitLength() {
        BertModel model = BertModel.load(weights, config);
        float[][] emb = model.sentenceEmbeddings(ints("ids"), ints("attention_mask"), ints("token_type_ids"));
        float[] flat = new float[emb.length * emb[0].length];
        for (int i = 0; i < emb.length; i++) {
            System.arraycopy(emb[i], 0, flat, i * emb[i].length, emb[i].length);
            double norm = 0;
            for (float v : emb[i]) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(maxAbsDiff(flat, floats("sentence_embeddings"))).isLessThan(TOLERANCE);
    }

    @Test
    void loadsAHuggingFaceFolder() throws IOException {
        try (BertModel model = BertModel.load(modelDir)) {
            Tensor hidden = model.lastHiddenState(ints("ids"), ints("attention_mask"), ints("token_type_ids"));
            assertThat(maxAbsDiff(hidden.toFloatArray(), floats("last_hidden_state"))).isLessThan(TOLERANCE);
        }
    }

    @Test
    void weightsNamedWithoutTheBertPrefixLoadToo() {
        Map<String, Tensor> plain = new HashMap<>();
        weights.forEach((k, v) -> plain.put(k.startsWith("bert.") ? k.substring(5) : k, v));
        Tensor hidden = BertModel.load(plain, config).lastHiddenState(ints("ids"), ints("attention_mask"),
                ints("token_type_ids"));
        assertThat(maxAbsDiff(hidden.toFloatArray(), floats("last_hidden_state"))).isLessThan(TOLERANCE);
    }

    @Test
    void gradientsReachEveryWeightAndMatchFiniteDifferences() {
        Map<String, Tensor> trainable = new HashMap<>();
        weights.forEach((k, v) -> trainable.put(k, v.copyContiguous().requiresGrad(true)));
        BertModel model = BertModel.load(trainable, config);
        int[][] ids = ints("ids");
        int[][] mask = ints("attention_mask");
        int[][] types = ints("token_type_ids");
        Tensor loss = Reductions.sum(BertModel.meanPool(model.forward(ids, mask, types), mask));
        Autograd.backward(loss);
        for (Map.Entry<String, Tensor> e : model.parameters().entrySet()) {
            assertThat(e.getValue().grad()).as("gradient of " + e.getKey()).isNotNull();
        }
        // Central differences on a few elements (the loss is a sum of LayerNorm outputs: keep steps moderate).
        String[] names = {"encoder.layer.1.attention.self.query.weight", "encoder.layer.0.intermediate.dense.bias",
            "embeddings.word_embeddings.weight"};
        int[][] at = {{3, 5}, {7}, {17, 2}};
        for (int n = 0; n < names.length; n++) {
            Tensor w = model.parameters().get(names[n]);
            float analytic = w.grad().get(at[n]);
            float orig = w.get(at[n]);
            float h = 1e-2f;
            w.set(orig + h, at[n]);
            float up = Autograd.noGrad(() -> Reductions.sum(BertModel.meanPool(model.forward(ids, mask, types), mask))
                    .item());
            w.set(orig - h, at[n]);
            float down = Autograd.noGrad(() -> Reductions.sum(BertModel.meanPool(model.forward(ids, mask, types),
                    mask)).item());
            w.set(orig, at[n]);
            double numeric = (up - down) / (2.0 * h);
            assertThat((double) analytic).as(names[n]).isCloseTo(numeric,
                    org.assertj.core.data.Offset.offset(2e-2 * Math.max(1, Math.abs(numeric))));
        }
    }

    @Test
    void badWeightsAndInputsGetErrorsNamingTheDefect() {
        Map<String, Tensor> missing = new HashMap<>(weights);
        missing.remove("bert.encoder.layer.1.output.dense.bias");
        assertThatThrownBy(() -> BertModel.load(missing, config))
                .hasMessageContaining("encoder.layer.1.output.dense.bias").hasMessageContaining("missing");
        Map<String, Tensor> wrong = new HashMap<>(weights);
        wrong.put("bert.encoder.layer.0.intermediate.dense.weight", Tensor.zeros(16, 24));
        assertThatThrownBy(() -> BertModel.load(wrong, config))
                .hasMessageContaining("encoder.layer.0.intermediate.dense.weight").hasMessageContaining("[24, 16]");
        BertModel model = BertModel.load(weights, config);
        assertThatThrownBy(() -> model.lastHiddenState(new int[][] {{1, 2, 3}, {1, 2}}, null, null))
                .hasMessageContaining("row 1").hasMessageContaining("T = 3");
        assertThatThrownBy(() -> model.lastHiddenState(new int[][] {{1, 40}}, null, null))
                .hasMessageContaining("ids[0][1] = 40");
        assertThatThrownBy(() -> model.lastHiddenState(new int[][] {new int[13]}, null, null))
                .hasMessageContaining("max_position_embeddings 12");
    }
}
