package dev.lathe.models.family.bert;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2 end to end: imported from the ONNX file of the langchain4j artifact, loaded from
 * the Hugging Face folder, and checked against ONNX Runtime running the original ONNX graph.
 */
class MiniLmTest {
    private static final double TOLERANCE = 1e-4;
    // "hello world is a test", and WordPiece ids of a few sentences (tokenizer.json of the artifact).
    private static final int[] HELLO = {101, 7592, 2088, 2003, 1037, 3231, 102};
    private static final int[] MAN_FOOD = {101, 1037, 2158, 2003, 5983, 2833, 1012, 102};
    private static final int[] MAN_BREAD = {101, 1037, 2158, 2003, 5983, 1037, 3538, 1997, 7852, 1012, 102};
    private static final int[] STOCKS = {101, 1996, 4518, 3006, 3062, 9249, 2651, 1012, 102};
    private static final int[] MOVIE = {101, 1996, 2047, 3185, 2003, 12476, 102};

    @TempDir
    static Path cache;
    private static Path folder;
    private static BertModel model;
    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void importAndOpen() throws IOException, OrtException {
        folder = MiniLm.ensureImported(cache);
        model = BertModel.load(folder);
        env = OrtEnvironment.getEnvironment();
        try (InputStream onnx = MiniLm.resource(MiniLm.ONNX_RESOURCE)) {
            session = env.createSession(onnx.readAllBytes(), new OrtSession.SessionOptions());
        }
    }

    @AfterAll
    static void close() throws OrtException {
        if (session != null) {
            session.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** ONNX Runtime's last_hidden_state (B, T, C), flattened. */
    private static float[] onnxRuntime(int[][] ids, int[][] mask) throws OrtException {
        long[][] i = new long[ids.length][];
        long[][] m = new long[ids.length][];
        long[][] t = new long[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            i[b] = java.util.Arrays.stream(ids[b]).asLongStream().toArray();
            m[b] = java.util.Arrays.stream(mask[b]).asLongStream().toArray();
            t[b] = new long[ids[b].length];
        }
        try (OnnxTensor ti = OnnxTensor.createTensor(env, i); OnnxTensor tm = OnnxTensor.createTensor(env, m);
                OnnxTensor tt = OnnxTensor.createTensor(env, t);
                OrtSession.Result r = session.run(Map.of("input_ids", ti, "attention_mask", tm, "token_type_ids", tt))) {
            float[][][] out = (float[][][]) r.get("last_hidden_state").orElseThrow().getValue();
            int c = out[0][0].length;
            float[] flat = new float[ids.length * ids[0].length * c];
            int k = 0;
            for (float[][] seq : out) {
                for (float[] row : seq) {
                    System.arraycopy(row, 0, flat, k, c);
                    k += c;
                }
            }
            return flat;
        }
    }

    @Test
    void importedFolderHasTheRecoveredConfigAndTokenizer() throws IOException {
        assertThat(ModelConfig.read(folder)).isEqualTo(ModelConfig.parse("""
                {"model_type": "bert", "hidden_act": "gelu", "hidden_size": 384, "intermediate_size": 1536,
                 "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "num_attention_heads": 12,
                 "num_hidden_layers": 6, "pad_token_id": 0, "position_embedding_type": "absolute",
                 "type_vocab_size": 2, "vocab_size": 30522, "torch_dtype": "float32"}""", null, "minilm"));
        assertThat(Files.size(folder.resolve("tokenizer.json"))).isEqualTo(711_661);
        assertThat(folder.resolve("1_Pooling/config.json")).content().contains("\"pooling_mode_mean_tokens\": true");
    }

    @Test
    void secondUseReusesTheCachedFolder() throws IOException {
        Path weights = folder.resolve("model.safetensors");
        FileTime before = Files.getLastModifiedTime(weights);
        assertThat(MiniLm.ensureImported(cache)).isEqualTo(folder);
        assertThat(Files.getLastModifiedTime(weights)).isEqualTo(before);
        try (var files = Files.list(cache)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(MiniLm.FOLDER); // no temp left
        }
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntimeForOneSentence() throws OrtException {
        int[][] ids = {HELLO};
        int[][] mask = {{1, 1, 1, 1, 1, 1, 1}};
        Tensor ours = model.lastHiddenState(ids, mask, null);
        assertThat(ours.shape()).containsExactly(1, 7, 384);
        double diff = BertModelTest.maxAbsDiff(ours.toFloatArray(), onnxRuntime(ids, mask));
        System.out.println("MiniLM one sentence: max |diff| vs ONNX Runtime " + diff);
        assertThat(diff).isLessThan(TOLERANCE);
    }

    @Test
    void lastHiddenStateMatchesOnnxRuntimeForAPaddedBatch() throws OrtException {
        int[][] ids = {MAN_BREAD, java.util.Arrays.copyOf(MAN_FOOD, MAN_BREAD.length)};
        int[][] mask = {new int[MAN_BREAD.length], new int[MAN_BREAD.length]};
        java.util.Arrays.fill(mask[0], 1);
        java.util.Arrays.fill(mask[1], 0, MAN_FOOD.length, 1);
        Tensor ours = model.lastHiddenState(ids, mask, null);
        double diff = BertModelTest.maxAbsDiff(ours.toFloatArray(), onnxRuntime(ids, mask));
        System.out.println("MiniLM padded batch of two: max |diff| vs ONNX Runtime " + diff);
        assertThat(diff).isLessThan(TOLERANCE);
    }

    @Test
    void sentenceEmbeddingsAreUnitLengthAndRankSimilarSentencesHigher() {
        int t = MAN_BREAD.length;
        int[][] ids = {pad(MAN_FOOD, t), MAN_BREAD, pad(STOCKS, t), pad(MOVIE, t)};
        int[][] mask = {ones(MAN_FOOD.length, t), ones(t, t), ones(STOCKS.length, t), ones(MOVIE.length, t)};
        float[][] e = model.sentenceEmbeddings(ids, mask, null);
        for (float[] v : e) {
            assertThat(v).hasSize(384);
            assertThat(dot(v, v)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
        double similar = dot(e[0], e[1]);
        System.out.printf("MiniLM cosine: food/bread %.4f, food/stocks %.4f, food/movie %.4f%n", similar,
                dot(e[0], e[2]), dot(e[0], e[3]));
        assertThat(similar).isGreaterThan(0.6).isGreaterThan(dot(e[0], e[2]) + 0.3).isGreaterThan(dot(e[0], e[3]) + 0.3);
        // Padding must not change an embedding: the same sentence alone, unpadded.
        float[] alone = model.sentenceEmbeddings(new int[][] {MAN_FOOD}, null, null)[0];
        assertThat(dot(alone, e[0])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    private static int[] pad(int[] ids, int t) {
        return java.util.Arrays.copyOf(ids, t);
    }

    private static int[] ones(int n, int t) {
        int[] m = new int[t];
        java.util.Arrays.fill(m, 0, n, 1);
        return m;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }
}
