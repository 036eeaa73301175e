package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.KvCache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every tiny reference model (tools/reference/models.py: GQA Llama, tied embeddings both ways, Qwen2
 * with q/k/v biases, Llama-3 RoPE scaling in BF16, Mistral with an explicit head_dim and linear RoPE
 * scaling, GPT-2) gives PyTorch's logits through both forward paths.
 */
class DecoderParityTest {
    static final double TOLERANCE = 1e-4;
    static double worst; // largest difference seen, reported by the last test

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "llama-tied", "llama-tied-head-only", "qwen2-bias", "llama3-rope-bf16",
        "mistral-head-dim", "gpt2"})
    void theAutogradForwardMatchesPyTorchAtEveryPosition(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            for (TinyModels.Sequence s : m.sequences()) {
                Tensor logits = m.model().logits(new int[][] {s.ids()}); // (1, T, V)
                int v = m.model().vocabSize();
                assertThat(logits.shape()).containsExactly(1, s.ids().length, v);
                float[] flat = logits.toFloatArray();
                for (int t = 0; t < s.ids().length; t++) {
                    assertClose(name + " autograd t=" + t, Arrays.copyOfRange(flat, t * v, (t + 1) * v), s.logits()[t]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "qwen2-bias", "gpt2"})
    void aRightPaddedBatchWithAnAttentionMaskMatchesTheSeparateSequences(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            List<TinyModels.Sequence> seqs = m.sequences();
            int b = seqs.size();
            int t = seqs.stream().mapToInt(s -> s.ids().length).max().orElseThrow();
            int[] ids = new int[b * t];
            float[] mask = new float[b * t];
            for (int i = 0; i < b; i++) {
                int[] s = seqs.get(i).ids();
                System.arraycopy(s, 0, ids, i * t, s.length);
                Arrays.fill(mask, i * t, i * t + s.length, 1f);
            }
            float[] flat = m.model().logits(ids, b, t, Tensor.of(mask, b, t)).toFloatArray();
            int v = m.model().vocabSize();
            for (int i = 0; i < b; i++) {
                for (int p = 0; p < seqs.get(i).ids().length; p++) {
                    int at = (i * t + p) * v;
                    assertClose(name + " padded row " + i + " t=" + p, Arrays.copyOfRange(flat, at, at + v),
                            seqs.get(i).logits()[p]);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "llama-tied", "llama-tied-head-only", "qwen2-bias", "llama3-rope-bf16",
        "mistral-head-dim", "gpt2"})
    void prefillThenSingleTokenStepsMatchPyTorch(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            for (TinyModels.Sequence s : m.sequences()) {
                int[] ids = s.ids();
                KvCache cache = m.model().newCache(ids.length);
                int prompt = 3;
                float[] logits = m.model().forward(Arrays.copyOf(ids, prompt), cache);
                assertClose(name + " prefill", logits, s.logits()[prompt - 1]);
                for (int t = prompt; t < ids.length; t++) {
                    logits = m.model().forward(new int[] {ids[t]}, cache);
                    assertClose(name + " step t=" + t, logits, s.logits()[t]);
                }
                assertThat(cache.length()).isEqualTo(ids.length);
                cache.truncate(1); // rewind to the shared first token and prefill the rest at once
                logits = m.model().forward(Arrays.copyOfRange(ids, 1, ids.length), cache);
                assertClose(name + " after truncate", logits, s.logits()[ids.length - 1]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "qwen2-bias", "llama3-rope-bf16", "mistral-head-dim", "gpt2"})
    void decodeBatchOfThreeSequencesOfDifferentLengthsMatchesTheirSeparateRuns(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            List<TinyModels.Sequence> seqs = m.sequences();
            int n = seqs.size();
            KvCache[] caches = new KvCache[n];
            int[] next = new int[n];
            for (int i = 0; i < n; i++) {
                int prompt = 2 + 2 * i; // prompts of 2, 4, 6 tokens
                caches[i] = m.model().newCache(seqs.get(i).ids().length);
                float[] logits = m.model().forward(Arrays.copyOf(seqs.get(i).ids(), prompt), caches[i]);
                assertClose(name + " prefill " + i, logits, seqs.get(i).logits()[prompt - 1]);
                next[i] = prompt;
            }
            while (true) {
                int[] active = java.util.stream.IntStream.range(0, n)
                        .filter(i -> next[i] < seqs.get(i).ids().length).toArray();
                if (active.length == 0) {
                    break;
                }
                int[] tokens = new int[active.length];
                KvCache[] batch = new KvCache[active.length];
                float[][] out = new float[active.length][m.model().vocabSize()];
                for (int j = 0; j < active.length; j++) {
                    tokens[j] = seqs.get(active[j]).ids()[next[active[j]]];
                    batch[j] = caches[active[j]];
                }
                m.model().decodeBatch(tokens, batch, out);
                for (int j = 0; j < active.length; j++) {
                    int i = active[j];
                    assertClose(name + " batch seq " + i + " t=" + next[i], out[j], seqs.get(i).logits()[next[i]]);
                    next[i]++;
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void aFullCacheRefusesMoreTokens(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            KvCache cache = m.model().newCache(4);
            assertThatThrownBy(() -> m.model().forward(new int[] {1, 2, 3, 4, 5}, cache))
                    .isInstanceOf(ContextLengthExceededException.class);
            assertThat(cache.length()).isZero();
            m.model().forward(new int[] {1, 2, 3, 4}, cache);
            assertThatThrownBy(() -> m.model().decodeBatch(new int[] {1}, new KvCache[] {cache}, new float[1][100]))
                    .isInstanceOf(ContextLengthExceededException.class);
            assertThatThrownBy(() -> m.model().newCache(m.model().contextLength() + 1))
                    .isInstanceOf(ContextLengthExceededException.class);
            assertThatThrownBy(() -> m.model().forward(new int[] {m.model().vocabSize()}, m.model().newCache(2)))
                    .hasMessageContaining("out of range");
        }
    }

    static void assertClose(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as(what + " length").isGreaterThanOrEqualTo(expected.length);
        double max = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(actual[i] - expected[i]) / Math.max(1.0, Math.abs(expected[i]));
            if (!(diff <= max)) {
                max = diff;
                at = i;
            }
        }
        synchronized (DecoderParityTest.class) {
            worst = Math.max(worst, max);
        }
        assertThat(max).as(what + ": max relative difference at index " + at + " (actual " + (at < 0 ? "" : actual[at])
                + ", expected " + (at < 0 ? "" : expected[at]) + ")").isLessThanOrEqualTo(TOLERANCE);
    }

    @org.junit.jupiter.api.AfterAll
    static void report() {
        System.out.println("DecoderParityTest: largest difference vs PyTorch " + worst);
    }
}
