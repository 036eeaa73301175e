package dev.lathe.eval.perplexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.format.Weights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Lathe's perplexity against tools/reference/perplexity.py: PyTorch forward passes of the tiny
 * reference models (tools/reference/models.py) and Hugging Face's sliding-window loop, log-softmax in
 * float64. Counts and windows match exactly, NLL and perplexity to 1e-4 relative.
 */
class PerplexityParityTest {
    private static final double REL = 1e-4;

    static Stream<Named<JsonNode>> cases() throws IOException {
        try (InputStream in = PerplexityParityTest.class.getResourceAsStream("/perplexity/expected.json")) {
            List<Named<JsonNode>> out = new ArrayList<>();
            new ObjectMapper().readTree(in).get("cases").forEach(c -> out.add(Named.of(c.get("name").asText(), c)));
            return out.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorchAndTheGuidesLoop(JsonNode c) throws IOException {
        Path dir = ModelsModule.resource("tiny-models/" + c.get("model").asText());
        List<int[]> sequences = new ArrayList<>();
        for (JsonNode t : c.get("texts")) {
            sequences.add(ids(t.get("ids")));
        }
        int window = c.get("window").asInt();
        int stride = c.get("stride").asInt();
        boolean defaults = c.get("name").asText().contains("default window");
        PerplexityOptions options = defaults ? PerplexityOptions.defaults()
                : PerplexityOptions.defaults().withWindow(window).withStride(stride);
        PerplexityResult r;
        try (Weights weights = Weights.open(dir)) {
            DecoderModel model = DecoderFamilies.load(dir, weights);
            r = Perplexity.ofTokens(TokenScorer.of(model), sequences, options);
        }

        assertThat(r.settings()).isEqualTo(new PerplexitySettings(window, stride, false));
        assertThat(r.tokensScored()).isEqualTo(c.get("tokens_scored").asLong());
        assertRel("total NLL", r.totalNll(), c.get("total_nll").asDouble());
        assertRel("mean NLL", r.meanNll(), c.get("mean_nll").asDouble());
        assertRel("perplexity", r.perplexity(), c.get("perplexity").asDouble());
        assertRel("bits per token", r.bitsPerToken(), c.get("bits_per_token").asDouble());
        assertThat(r.texts()).hasSize(sequences.size());
        for (int i = 0; i < sequences.size(); i++) {
            JsonNode e = c.get("texts").get(i);
            TextPerplexity t = r.texts().get(i);
            assertThat(t.tokens()).isEqualTo(sequences.get(i).length);
            assertThat(t.tokensScored()).as("text %d tokens scored", i).isEqualTo(e.get("tokens_scored").asLong());
            assertThat(t.windows()).hasSize(e.get("windows").size());
            for (int w = 0; w < t.windows().size(); w++) {
                JsonNode ew = e.get("windows").get(w);
                WindowScore s = t.windows().get(w);
                assertThat(new int[] {s.begin(), s.end(), s.scored()}).as("text %d window %d", i, w)
                        .containsExactly(ew.get("begin").asInt(), ew.get("end").asInt(), ew.get("scored").asInt());
                assertRel("text " + i + " window " + w + " NLL", s.nll(), ew.get("nll").asDouble());
            }
            if (e.get("perplexity").isNull()) {
                assertThat(t.perplexity()).isNaN();
            } else {
                assertRel("text " + i + " perplexity", t.perplexity(), e.get("perplexity").asDouble());
                assertRel("text " + i + " guide's perplexity", guidePerplexity(t), e.get("guide_perplexity").asDouble());
            }
        }
        System.out.printf("%s: perplexity %.6f, max relative difference %.3g%n", c.get("name").asText(), r.perplexity(),
                maxRel);
    }

    /** The guide's accumulation: each window's mean NLL weighted by its valid labels minus one. */
    private static double guidePerplexity(TextPerplexity t) {
        double sum = 0;
        long count = 0;
        int prevEnd = 0;
        for (WindowScore w : t.windows()) {
            if (w.scored() > 0) {
                int lossTokens = (w.end() - prevEnd) - 1;
                sum += w.nll() / w.scored() * lossTokens;
                count += lossTokens;
            }
            prevEnd = w.end();
        }
        return Math.exp(sum / count);
    }

    private double maxRel;

    private void assertRel(String what, double actual, double expected) {
        maxRel = Math.max(maxRel, Math.abs(actual - expected) / Math.max(1e-12, Math.abs(expected)));
        assertThat(actual).as(what).isCloseTo(expected, within(REL * Math.max(1e-12, Math.abs(expected))));
    }

    private static int[] ids(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }
}
