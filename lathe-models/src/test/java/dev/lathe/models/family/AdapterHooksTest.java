package dev.lathe.models.family;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.op.Rope;
import dev.lathe.engine.op.RopeTable;
import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The optional hook capabilities of the decoder forward: virtual tokens behave exactly as real tokens with
 * those embeddings would, and a key/value prefix is checked and shifts the real tokens' positions.
 */
class AdapterHooksTest {
    private static final int[] PROMPT_IDS = {7, 3};
    private static final int[] IDS = {1, 5, 9, 3, 7};

    /** A plain hook that is also a prompt of the given embeddings. */
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

    /** A plain hook that is also a prefix of the same keys and values in every layer. */
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

    /** A plain hook that is also a prefix of its own keys and values per layer. */
    record Layered(Tensor[] keys, Tensor[] values) implements LinearHook, KeyValuePrefix {
        @Override
        public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
            return LinearHook.plain(x, linear);
        }

        @Override
        public int prefixLength() {
            return keys[0].dim(1);
        }

        @Override
        public Tensor keyPrefix(int layer) {
            return keys[layer];
        }

        @Override
        public Tensor valuePrefix(int layer) {
            return values[layer];
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void virtualTokensWithTheEmbeddingsOfRealTokensGiveTheLogitsOfThoseTokens(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            DecoderModel model = m.model();
            int[] all = new int[PROMPT_IDS.length + IDS.length];
            System.arraycopy(PROMPT_IDS, 0, all, 0, PROMPT_IDS.length);
            System.arraycopy(IDS, 0, all, PROMPT_IDS.length, IDS.length);
            float[] expected = model.logits(all, 1, all.length, null).toFloatArray();
            Tensor prompt = Embedding.lookup(model.weights().embed(), PROMPT_IDS, PROMPT_IDS.length).to(DType.F32);
            Tensor masked = Tensor.full(1f, 1, IDS.length);
            float[] actual = model.logits(IDS, 1, IDS.length, masked, new Prompt(prompt)).toFloatArray();
            assertThat(actual.length).isEqualTo(expected.length);
            for (int i = 0; i < actual.length; i++) {
                assertThat(actual[i]).as("logit " + i).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void aPrefixChangesTheLogitsButKeepsTheirShape(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            DecoderModel model = m.model();
            int kvh = model.architecture().kvHeads();
            int d = model.architecture().headDim();
            Prefix prefix = new Prefix(Tensor.randn(3, kvh, 2, d), Tensor.randn(4, kvh, 2, d));
            Tensor plain = model.logits(IDS, 1, IDS.length, null);
            Tensor prefixed = model.logits(IDS, 1, IDS.length, null, prefix);
            assertThat(prefixed.shape()).containsExactly(plain.shape());
            assertThat(prefixed.toFloatArray()).isNotEqualTo(plain.toFloatArray());
        }
    }

    /**
     * A prefix holding the keys and values that real tokens produce (keys rotated at their own positions
     * 0..P-1) must give the logits those tokens would give as the start of the sequence: the real tokens sit
     * at positions P.., and the prefix keys are used as given.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa", "gpt2"})
    void aPrefixOfTheKeysAndValuesOfRealTokensGivesTheLogitsOfThoseTokens(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            DecoderModel model = m.model();
            DecoderArchitecture arch = model.architecture();
            int p = PROMPT_IDS.length;
            int[] all = new int[p + IDS.length];
            System.arraycopy(PROMPT_IDS, 0, all, 0, p);
            System.arraycopy(IDS, 0, all, p, IDS.length);
            int layers = model.weights().layers().size();
            Tensor[] keys = new Tensor[layers];
            Tensor[] values = new Tensor[layers];
            LinearHook capture = (layer, projection, x, linear) -> {
                Tensor y = LinearHook.plain(x, linear); // (1, P, KVH*D) on the prompt tokens alone
                if (projection == LinearHook.Projection.K || projection == LinearHook.Projection.V) {
                    Tensor heads = Views.transpose(Views.reshape(y, 1, p, arch.kvHeads(), arch.headDim()), 1, 2);
                    if (projection == LinearHook.Projection.K && !arch.learnedPositions()) {
                        heads = Rope.apply(heads, RopeTable.create(model.config().ropeConfig(),
                                model.contextLength()), 0);
                    }
                    Tensor kv = Views.contiguous(Views.reshape(Views.contiguous(heads), arch.kvHeads(), p,
                            arch.headDim()));
                    (projection == LinearHook.Projection.K ? keys : values)[layer] = kv.detach().copyContiguous();
                }
                return y;
            };
            model.logits(PROMPT_IDS, 1, p, null, capture);
            float[] full = model.logits(all, 1, all.length, null).toFloatArray();
            float[] prefixed = model.logits(IDS, 1, IDS.length, null, new Layered(keys, values)).toFloatArray();
            int v = model.vocabSize();
            float[] expected = Arrays.copyOfRange(full, p * v, full.length);
            assertThat(prefixed.length).isEqualTo(expected.length);
            for (int i = 0; i < prefixed.length; i++) {
                assertThat(prefixed[i]).as("logit " + i).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa"})
    void aPrefixOfTheWrongShapeIsRejectedNamingTheLayerAndShapes(String name) {
        try (TinyModels.Loaded m = TinyModels.load(name)) {
            DecoderModel model = m.model();
            int d = model.architecture().headDim();
            Prefix wrong = new Prefix(Tensor.randn(3, 1, 2, d), Tensor.randn(4, 1, 2, d));
            assertThatThrownBy(() -> model.logits(IDS, 1, IDS.length, null, wrong))
                    .hasMessageContaining("key prefix of layer 0")
                    .hasMessageContaining(Arrays.toString(new int[] {model.architecture().kvHeads(), 2, d}));
        }
    }
}
