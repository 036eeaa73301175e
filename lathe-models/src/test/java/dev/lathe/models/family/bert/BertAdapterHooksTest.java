package dev.lathe.models.family.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.KeyValuePrefix;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.VirtualTokens;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** BertModel's hook points: every projection goes through the hook, virtual tokens act as real tokens would. */
class BertAdapterHooksTest {
    private static final int[][] IDS = {{2, 17, 5, 33}, {2, 8, 39, 3}};
    private static final int[][] MASK = {{1, 1, 1, 1}, {1, 1, 1, 0}};

    private static BertModel load() throws Exception {
        return BertModel.load(Path.of(BertAdapterHooksTest.class.getResource("/models/bert-tiny/config.json").toURI())
                .getParent());
    }

    @Test
    void everyProjectionOfEveryLayerGoesThroughTheHookAndPlainChangesNothing() throws Exception {
        try (BertModel bert = load()) {
            List<String> calls = new ArrayList<>();
            LinearHook recording = (layer, p, x, l) -> {
                calls.add(layer + "." + p);
                return LinearHook.plain(x, l);
            };
            float[] plain = bert.forward(IDS, MASK, null).toFloatArray();
            assertThat(bert.forward(IDS, MASK, null, recording).toFloatArray()).containsExactly(plain);
            assertThat(calls).containsExactly("0.Q", "0.K", "0.V", "0.O", "0.UP", "0.DOWN",
                    "1.Q", "1.K", "1.V", "1.O", "1.UP", "1.DOWN");
        }
    }

    record Prompt(Tensor embeddings) implements LinearHook, VirtualTokens {
        @Override
        public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
            return LinearHook.plain(x, linear);
        }

        @Override
        public Tensor virtualTokenEmbeddings() {
            return embeddings;
        }
    }

    @Test
    void virtualTokensWithTheEmbeddingsOfRealTokensGiveTheHiddenStatesOfThoseTokens() throws Exception {
        try (BertModel bert = load()) {
            int[] promptIds = {11, 23, 7};
            int[][] full = new int[IDS.length][];
            int[][] fullMask = new int[IDS.length][];
            for (int i = 0; i < IDS.length; i++) {
                full[i] = new int[promptIds.length + IDS[i].length];
                fullMask[i] = new int[full[i].length];
                System.arraycopy(promptIds, 0, full[i], 0, promptIds.length);
                System.arraycopy(IDS[i], 0, full[i], promptIds.length, IDS[i].length);
                java.util.Arrays.fill(fullMask[i], 0, promptIds.length, 1);
                System.arraycopy(MASK[i], 0, fullMask[i], promptIds.length, MASK[i].length);
            }
            float[] expected = bert.forward(full, fullMask, null).toFloatArray();
            Tensor prompt = Embedding.lookup(bert.parameters().get("embeddings.word_embeddings.weight"), promptIds,
                    promptIds.length);
            Tensor actual = bert.forward(IDS, MASK, null, new Prompt(prompt));
            assertThat(actual.shape()).containsExactly(2, 7, 16);
            float[] a = actual.toFloatArray();
            for (int i = 0; i < a.length; i++) {
                if (i / (7 * 16) == 1 && (i / 16) % 7 == 6) {
                    continue; // the padded position's own output is meaningless
                }
                assertThat(a[i]).as("element " + i).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    record Prefix(Tensor keys, Tensor values) implements LinearHook, KeyValuePrefix {
        @Override
        public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
            return LinearHook.plain(x, linear);
        }

        @Override
        public int prefixLength() {
            return keys.dim(1);
        }

        @Override
        public Tensor keyPrefix(int layer) {
            return keys;
        }

        @Override
        public Tensor valuePrefix(int layer) {
            return values;
        }
    }

    @Test
    void aPrefixKeepsTheShapeOfTheHiddenStatesAndChangesThem() throws Exception {
        try (BertModel bert = load()) {
            Prefix prefix = new Prefix(Tensor.randn(1, 4, 3, 4), Tensor.randn(2, 4, 3, 4));
            Tensor plain = bert.forward(IDS, MASK, null);
            Tensor prefixed = bert.forward(IDS, MASK, null, prefix);
            assertThat(prefixed.shape()).containsExactly(plain.shape());
            assertThat(prefixed.toFloatArray()).isNotEqualTo(plain.toFloatArray());
        }
    }
}
