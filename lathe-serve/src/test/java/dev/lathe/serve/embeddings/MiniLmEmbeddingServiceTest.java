package dev.lathe.serve.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.family.bert.MiniLm;
import dev.lathe.models.tokenizer.Tokenizer;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BERT path end to end on the real all-MiniLM-L6-v2 (imported from the ONNX file of the langchain4j
 * artifact): our embeddings against ONNX Runtime running the original graph, each sentence alone,
 * then mean pooling and L2 normalisation written out here (sentence-transformers' recipe).
 */
class MiniLmEmbeddingServiceTest {
    private static final double TOLERANCE = 1e-5;
    private static final List<String> SENTENCES = List.of("A man is eating food.",
            "A man is eating a piece of bread, slowly, at the kitchen table.", "The stock market fell sharply today.",
            "caf\u00e9 \u00fcber na\u00efve \u2014 \u65e5\u672c");

    @TempDir
    static Path cache;
    private static BertModel model;
    private static Tokenizer tokenizer;
    private static EmbeddingService service;
    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void open() throws Exception {
        Path folder = MiniLm.ensureImported(cache);
        model = BertModel.load(folder);
        tokenizer = Tokenizer.load(folder);
        service = EmbeddingService.bert("all-MiniLM-L6-v2", model, tokenizer, false);
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
        if (tokenizer != null) {
            tokenizer.close();
        }
        if (model != null) {
            model.close();
        }
    }

    /** ONNX Runtime's last_hidden_state for one unpadded sentence, mean pooled and L2 normalised. */
    private static float[] reference(int[] ids) throws OrtException {
        long[][] i = {Arrays.stream(ids).asLongStream().toArray()};
        long[][] m = {new long[ids.length]};
        Arrays.fill(m[0], 1);
        long[][] t = {new long[ids.length]};
        try (OnnxTensor ti = OnnxTensor.createTensor(env, i); OnnxTensor tm = OnnxTensor.createTensor(env, m);
                OnnxTensor tt = OnnxTensor.createTensor(env, t);
                OrtSession.Result r = session.run(Map.of("input_ids", ti, "attention_mask", tm, "token_type_ids", tt))) {
            float[][] hidden = ((float[][][]) r.get("last_hidden_state").orElseThrow().getValue())[0];
            double[] mean = new double[hidden[0].length];
            for (float[] row : hidden) {
                for (int c = 0; c < mean.length; c++) {
                    mean[c] += row[c] / (double) hidden.length;
                }
            }
            double norm = Math.sqrt(Arrays.stream(mean).map(x -> x * x).sum());
            float[] out = new float[mean.length];
            for (int c = 0; c < out.length; c++) {
                out[c] = (float) (mean[c] / norm);
            }
            return out;
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    @Test
    void aPaddedBatchOfSentencesMatchesOnnxRuntimeSentenceBySentence() throws OrtException {
        Embeddings e = service.embed(new EmbeddingInput.Texts(SENTENCES), null);
        int tokens = 0;
        double worst = 0;
        for (int i = 0; i < SENTENCES.size(); i++) {
            int[] ids = tokenizer.encode(SENTENCES.get(i), true);
            assertThat(ids[0]).isEqualTo(101); // [CLS]
            assertThat(ids[ids.length - 1]).isEqualTo(102); // [SEP]
            tokens += ids.length;
            worst = Math.max(worst, maxAbsDiff(e.vectors().get(i), reference(ids)));
        }
        System.out.printf("MiniLM embeddings service vs ONNX Runtime + mean pooling: max |diff| %.2e%n", worst);
        assertThat(worst).isLessThan(TOLERANCE);
        assertThat(e.promptTokens()).isEqualTo(tokens);
        assertThat(e.totalTokens()).isEqualTo(tokens);
        assertThat(e.vectors()).allSatisfy(v -> assertThat(v).hasSize(384));
    }

    @Test
    void tokenArraysEmbedLikeTheTextTheyCameFrom() {
        int[] ids = tokenizer.encode(SENTENCES.get(2), true);
        float[] fromText = service.embed(new EmbeddingInput.Texts(List.of(SENTENCES.get(2))), null).vectors().getFirst();
        float[] fromIds = service.embed(new EmbeddingInput.Tokens(List.of(ids)), null).vectors().getFirst();
        assertThat(maxAbsDiff(fromText, fromIds)).isLessThan(1e-6);
        assertThatThrownBy(() -> service.embed(new EmbeddingInput.Tokens(List.of(new int[] {101, 30522})), null))
                .isInstanceOfSatisfying(EmbeddingParameterException.class, e -> assertThat(e.param()).isEqualTo("input"))
                .hasMessageContaining("30522");
    }

    @Test
    void base64CarriesTheSameVector() {
        Embeddings e = service.embed(new EmbeddingInput.Texts(List.of("hello world")), null);
        String b64 = (String) e.encoded(0, EncodingFormat.BASE64);
        assertThat(EncodingFormat.fromBase64(b64)).containsExactly(e.vectors().getFirst());
        assertThat((float[]) e.encoded(0, EncodingFormat.FLOAT)).containsExactly(e.vectors().getFirst());
    }

    @Test
    void dimensionsAreRefusedForAModelNotTrainedToBeCut() {
        Embeddings full = service.embed(new EmbeddingInput.Texts(List.of("x")), 384);
        assertThat(full.vectors().getFirst()).hasSize(384);
        assertThatThrownBy(() -> service.embed(new EmbeddingInput.Texts(List.of("x")), 128))
                .isInstanceOfSatisfying(EmbeddingParameterException.class,
                        e -> assertThat(e.param()).isEqualTo("dimensions"))
                .hasMessageContaining("does not support");
        assertThatThrownBy(() -> service.embed(new EmbeddingInput.Texts(List.of("x")), 0))
                .isInstanceOfSatisfying(EmbeddingParameterException.class,
                        e -> assertThat(e.param()).isEqualTo("dimensions"));
    }

    @Test
    void aShortenableModelKeepsThePrefixAtUnitLength() {
        EmbeddingService shortenable = EmbeddingService.bert("m", model, tokenizer, true);
        float[] full = shortenable.embed(new EmbeddingInput.Texts(List.of("prefix test")), null).vectors().getFirst();
        float[] cut = shortenable.embed(new EmbeddingInput.Texts(List.of("prefix test")), 64).vectors().getFirst();
        assertThat(cut).hasSize(64);
        double norm = 0;
        for (float x : cut) {
            norm += x * x;
        }
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        // Same direction as the full vector's first 64 entries.
        double scale = cut[0] / full[0];
        for (int i = 0; i < 64; i++) {
            assertThat((double) cut[i]).isCloseTo(full[i] * scale, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void anInputLongerThanTheContextIsRefusedNotTruncated() {
        String longText = "word ".repeat(600);
        assertThatThrownBy(() -> service.embed(new EmbeddingInput.Texts(List.of("short", longText)), null))
                .isInstanceOf(ContextLengthExceededException.class);
    }
}
