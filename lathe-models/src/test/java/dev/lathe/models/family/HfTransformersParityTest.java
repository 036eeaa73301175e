package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import dev.lathe.models.family.bert.BertModel;
import dev.lathe.models.format.Weights;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every family Lathe loads, against the real Hugging Face transformers 5.17.0: tiny random models built
 * with transformers' own classes and written by its {@code save_pretrained} (tools/reference/hf_logits.py;
 * resources hf-tiny/), loaded here the way Lathe loads any model folder, must give transformers' logits
 * (masked batch, each row alone, prefill plus KV-cache steps) within 1e-4 and the same greedy tokens as
 * {@code model.generate(do_sample=False)}; BERT its last hidden state and mean pooling.
 */
class HfTransformersParityTest {
    static final double TOLERANCE = 1e-4;
    private static double worst; // largest relative difference seen, printed at the end

    /** The decoder fixtures (hf-tiny/NAME), one per family and option hf_logits.py covers. */
    static List<String> decoders() {
        return List.of("llama-gqa", "llama-tied-biases", "llama3-rope-bf16", "llama3-rope-legacy-config",
                "llama-linear-rope", "mistral-sliding-f16", "qwen2", "gpt2", "gpt2-untied-gelu");
    }

    /** A fixture folder and what transformers computed with it. */
    private record Fixture(Path dir, JsonNode expected) {
        static Fixture of(String name) {
            Path dir = TinyModels.resource("hf-tiny/" + name);
            try {
                return new Fixture(dir, new ObjectMapper().readTree(dir.resolve("expected.json").toFile()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** The decoder in {@code name}, loaded as {@link dev.lathe.models.load.ModelLoader} does (config + weights). */
    private static DecoderModel load(Path dir, Weights weights) {
        try {
            return DecoderFamilies.load(dir, weights);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void aRightPaddedBatchWithItsAttentionMaskGivesTransformersLogits(String name) {
        Fixture f = Fixture.of(name);
        JsonNode batch = f.expected.get("batch");
        int[][] ids = ints(batch.get("ids"));
        int[][] mask = ints(batch.get("attention_mask"));
        float[] expected = floats(batch.get("logits"));
        int b = ids.length;
        int t = ids[0].length;
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            int v = model.vocabSize();
            float[] maskFlat = new float[b * t];
            for (int i = 0; i < b; i++) {
                for (int p = 0; p < t; p++) {
                    maskFlat[i * t + p] = mask[i][p];
                }
            }
            float[] actual = Autograd.noGrad(() -> model.logits(flatten(ids), b, t, Tensor.of(maskFlat, b, t)))
                    .toFloatArray();
            for (int i = 0; i < b; i++) {
                for (int p = 0; p < t && mask[i][p] == 1; p++) {
                    int at = (i * t + p) * v;
                    assertClose(name + " padded batch row " + i + " t=" + p, Arrays.copyOfRange(actual, at, at + v),
                            Arrays.copyOfRange(expected, at, at + v));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void eachRowAloneGivesTransformersLogitsOnBothForwardPaths(String name) {
        Fixture f = Fixture.of(name);
        JsonNode batch = f.expected.get("batch");
        int[][] ids = ints(batch.get("ids"));
        int[][] mask = ints(batch.get("attention_mask"));
        float[] expected = floats(batch.get("logits"));
        int t = ids[0].length;
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            int v = model.vocabSize();
            for (int i = 0; i < ids.length; i++) {
                int length = Arrays.stream(mask[i]).sum();
                int[] row = Arrays.copyOf(ids[i], length);
                float[] autograd = Autograd.noGrad(() -> model.logits(new int[][] {row})).toFloatArray();
                for (int p = 0; p < length; p++) {
                    int at = (i * t + p) * v;
                    assertClose(name + " row " + i + " alone t=" + p, Arrays.copyOfRange(autograd, p * v, (p + 1) * v),
                            Arrays.copyOfRange(expected, at, at + v));
                }
                float[] last = model.forward(row, model.newCache(length)); // inference path: the last position
                int at = (i * t + length - 1) * v;
                assertClose(name + " row " + i + " prefill", last, Arrays.copyOfRange(expected, at, at + v));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void promptThenSingleTokenStepsOnTheKvCacheGiveTransformersCachedLogits(String name) {
        Fixture f = Fixture.of(name);
        JsonNode cached = f.expected.get("cache");
        int[] ids = ints(cached.get("ids"))[0];
        int prompt = cached.get("prompt").intValue();
        float[] expected = floats(cached.get("logits"));
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            int v = model.vocabSize();
            KvCache cache = model.newCache(ids.length);
            float[] logits = model.forward(Arrays.copyOf(ids, prompt), cache);
            assertClose(name + " cache prefill", logits, Arrays.copyOfRange(expected, 0, v));
            for (int t = prompt; t < ids.length; t++) {
                logits = model.forward(new int[] {ids[t]}, cache);
                int step = t - prompt + 1;
                assertClose(name + " cache step t=" + t, logits, Arrays.copyOfRange(expected, step * v, (step + 1) * v));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void threeRowsDecodedInLockstepGiveTransformersLogitsAtEveryStep(String name) {
        Fixture f = Fixture.of(name);
        JsonNode batch = f.expected.get("batch");
        int[][] ids = ints(batch.get("ids"));
        int[][] mask = ints(batch.get("attention_mask"));
        float[] expected = floats(batch.get("logits"));
        int t = ids[0].length;
        int prompt = 2;
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            int v = model.vocabSize();
            int n = ids.length;
            KvCache[] caches = new KvCache[n];
            for (int i = 0; i < n; i++) {
                caches[i] = model.newCache(t);
                model.forward(Arrays.copyOf(ids[i], prompt), caches[i]);
            }
            for (int p = prompt; p < t; p++) {
                int at = p;
                int[] active = java.util.stream.IntStream.range(0, n).filter(i -> mask[i][at] == 1).toArray();
                int[] tokens = Arrays.stream(active).map(i -> ids[i][at]).toArray();
                KvCache[] rows = Arrays.stream(active).mapToObj(i -> caches[i]).toArray(KvCache[]::new);
                float[][] out = new float[active.length][v];
                model.decodeBatch(tokens, rows, out);
                for (int j = 0; j < active.length; j++) {
                    int from = (active[j] * t + p) * v;
                    assertClose(name + " lockstep row " + active[j] + " t=" + p, out[j],
                            Arrays.copyOfRange(expected, from, from + v));
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @MethodSource("decoders")
    void greedyGenerationPicksTheTokensTransformersGeneratePicks(String name) {
        Fixture f = Fixture.of(name);
        JsonNode greedy = f.expected.get("greedy");
        int[] prompt = ints(greedy.get("prompt"))[0];
        int[] expected = ints(greedy.get("tokens"))[0];
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            Set<Integer> eos = new HashSet<>(model.config().eosTokenIds()); // generation_config.json's, as HF uses
            SamplingParams params = SamplingParams.builder().temperature(0)
                    .maxTokens(greedy.get("max_new_tokens").intValue()).eosTokenIds(eos).build();
            Generation g = new Generator(null).generate(model, prompt, params);
            assertThat(g.tokenIds()).as(name + " greedy tokens").containsExactly(Arrays.stream(expected).boxed()
                    .toArray(Integer[]::new));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void mistralsSlidingWindowBoundsTheContextSinceLatheAttendsToEveryEarlierToken() throws IOException {
        Fixture f = Fixture.of("mistral-sliding-f16"); // sliding_window 16, max_position_embeddings 64
        try (Weights weights = Weights.open(f.dir)) {
            DecoderModel model = load(f.dir, weights);
            assertThat(model.contextLength()).isEqualTo(16);
            assertThatThrownBy(() -> model.newCache(17)).isInstanceOf(ContextLengthExceededException.class);
            assertThatThrownBy(() -> new Generator(null).generate(model, new int[10], SamplingParams.greedy(7)))
                    .isInstanceOf(ContextLengthExceededException.class);
        }
    }

    @Test
    void bertGivesTransformersLastHiddenStateAndMeanPoolingWithPadding() throws IOException {
        Fixture f = Fixture.of("bert");
        JsonNode batch = f.expected.get("batch");
        int[][] ids = ints(batch.get("ids"));
        int[][] mask = ints(batch.get("attention_mask"));
        int[][] types = ints(batch.get("token_type_ids"));
        try (BertModel model = BertModel.load(f.dir)) {
            Tensor hidden = Autograd.noGrad(() -> model.lastHiddenState(ids, mask, types));
            assertThat(hidden.shape()).containsExactly(ids.length, ids[0].length, model.config().hiddenSize());
            float[] actual = hidden.toFloatArray();
            float[] expected = floats(batch.get("last_hidden_state"));
            int c = model.config().hiddenSize();
            int t = ids[0].length;
            for (int i = 0; i < ids.length; i++) {
                for (int p = 0; p < t && mask[i][p] == 1; p++) {
                    int at = (i * t + p) * c;
                    assertClose("bert row " + i + " t=" + p, Arrays.copyOfRange(actual, at, at + c),
                            Arrays.copyOfRange(expected, at, at + c));
                }
            }
            float[] pooled = Autograd.noGrad(() -> BertModel.meanPool(hidden, mask)).toFloatArray();
            float[] mean = floats(batch.get("mean_pooled"));
            assertClose("bert mean pooling", pooled, mean);
            float[][] sentences = model.sentenceEmbeddings(ids, mask, types); // mean pooling, then L2 norm
            for (int i = 0; i < ids.length; i++) {
                float[] row = Arrays.copyOfRange(mean, i * c, (i + 1) * c);
                double norm = 0;
                for (float x : row) {
                    norm += x * x;
                }
                for (int k = 0; k < c; k++) {
                    row[k] /= (float) Math.sqrt(norm);
                }
                assertClose("bert sentence embedding " + i, sentences[i], row);
            }
        }
    }

    static int[] flatten(int[][] rows) {
        return Arrays.stream(rows).flatMapToInt(Arrays::stream).toArray();
    }

    static int[][] ints(JsonNode node) {
        if (!node.get(0).isArray()) {
            return new int[][] {ints1(node)};
        }
        int[][] out = new int[node.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints1(node.get(i));
        }
        return out;
    }

    private static int[] ints1(JsonNode node) {
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = node.get(i).intValue();
        }
        return out;
    }

    static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).doubleValue();
        }
        return out;
    }

    /** Largest difference relative to max(1, |expected|) must stay within {@link #TOLERANCE}. */
    static void assertClose(String what, float[] actual, float[] expected) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        double max = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (!(diff <= max)) {
                max = diff;
                at = i;
            }
        }
        synchronized (HfTransformersParityTest.class) {
            worst = Math.max(worst, max);
        }
        assertThat(max).as(what + ": max relative difference at index " + at + " (actual " + (at < 0 ? "" : actual[at])
                + ", expected " + (at < 0 ? "" : expected[at]) + ")").isLessThanOrEqualTo(TOLERANCE);
    }

    @AfterAll
    static void report() {
        System.out.println("HfTransformersParityTest: largest difference vs transformers 5.17.0: " + worst);
    }
}
