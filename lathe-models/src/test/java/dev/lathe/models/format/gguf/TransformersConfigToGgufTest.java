package dev.lathe.models.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders written by transformers 5.17.0's save_pretrained (hf-tiny/, tools/reference/hf_logits.py)
 * through GGUF and back: RoPE base and scaling come from {@code rope_parameters} (the raw
 * {@code rope_theta} field is absent there and was written as 10000), and the converted model still gives
 * transformers' logits.
 */
class TransformersConfigToGgufTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(TransformersConfigToGgufTest.class.getResource("/hf-tiny/" + name + "/config.json").toURI())
                .getParent();
    }

    private Path toGguf(Path dir) throws IOException {
        Path out = tmp.resolve(dir.getFileName() + ".gguf");
        try (Weights w = Weights.open(dir)) {
            Map<String, Tensor> tensors = new TreeMap<>();
            for (String name : w.names()) {
                tensors.put(name, w.tensor(name));
            }
            HfToGguf.write(out, JSON.readTree(dir.resolve("config.json").toFile()), tensors, null, null, GgmlType.F32);
        }
        return out;
    }

    @Test
    void linearRopeFromRopeParametersSurvivesGgufAndGivesTransformersLogits() throws Exception {
        Path dir = fixture("llama-linear-rope"); // rope_parameters: linear, factor 4, rope_theta 20000
        GgufFile gguf = GgufFile.open(toGguf(dir));
        assertThat(gguf.number("llama.rope.freq_base", 0)).isEqualTo(20000.0);
        assertThat(gguf.string("llama.rope.scaling.type", null)).isEqualTo("linear");
        assertThat(gguf.number("llama.rope.scaling.factor", 0)).isEqualTo(4.0);

        Path back = tmp.resolve("back");
        GgufToHf.convert(gguf).writeTo(back);
        JsonNode batch = JSON.readTree(dir.resolve("expected.json").toFile()).get("batch");
        int[] row = new int[batch.get("ids").get(0).size()];
        for (int i = 0; i < row.length; i++) {
            row[i] = batch.get("ids").get(0).get(i).intValue();
        }
        try (Weights w = Weights.open(back)) {
            DecoderModel model = DecoderFamilies.load(back, w);
            float[] actual = Autograd.noGrad(() -> model.logits(new int[][] {row})).toFloatArray();
            JsonNode expected = batch.get("logits"); // row 0 has no padding: its first T*V values
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                double e = expected.get(i).doubleValue();
                worst = Math.max(worst, Math.abs(actual[i] - e) / Math.max(1, Math.abs(e)));
            }
            assertThat(worst).as("largest relative difference vs transformers after GGUF").isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void aSlidingWindowBecomesTheGgufContextLength() throws Exception {
        GgufFile gguf = GgufFile.open(toGguf(fixture("mistral-sliding-f16"))); // window 16, max positions 64
        assertThat(gguf.integer("llama.context_length", 0)).isEqualTo(16);
        assertThat(gguf.number("llama.rope.freq_base", 0)).isEqualTo(1000000.0);
    }

    /** The GGUF of {@code dir} with a llama.cpp-style {@code rope_freqs.weight} table added. */
    private Path withRopeFreqs(Path dir, float[] factors) throws IOException {
        GgufFile plain = GgufFile.open(toGguf(dir));
        GgufWriter w = new GgufWriter();
        plain.metadata().forEach(w::put);
        plain.tensors().forEach((name, t) -> w.tensor(name, t, GgmlType.F32));
        w.tensor("rope_freqs.weight", Tensor.of(factors, factors.length), GgmlType.F32);
        Path out = tmp.resolve("with-rope-freqs.gguf");
        w.write(out);
        return out;
    }

    @Test
    void ggufRopeFrequencyFactorsAreRefusedUnlessAllOne() throws Exception {
        Path dir = fixture("llama-gqa"); // head_dim 8: 4 factors
        GgufFile scaled = GgufFile.open(withRopeFreqs(dir, new float[] {1f, 1f, 2.5f, 8f}));
        assertThatThrownBy(() -> GgufToHf.convert(scaled)).hasMessageContaining("rope_freqs.weight")
                .hasMessageContaining("RoPE frequency factors");
        GgufFile plain = GgufFile.open(withRopeFreqs(dir, new float[] {1f, 1f, 1f, 1f}));
        assertThat(GgufToHf.convert(plain).tensors()).doesNotContainKey("rope_freqs.weight");
    }

    @Test
    void llama3RopeScalingIsRefusedRatherThanDropped() {
        assertThatThrownBy(() -> toGguf(fixture("llama3-rope-bf16"))).hasMessageContaining("Llama-3 RoPE scaling")
                .hasMessageContaining("GGUF");
    }
}
