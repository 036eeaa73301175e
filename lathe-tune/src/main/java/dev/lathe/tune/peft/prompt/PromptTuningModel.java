package dev.lathe.tune.peft.prompt;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.op.Embedding;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.LinearHook;
import dev.lathe.models.family.VirtualTokens;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prompt tuning on a decoder or BERT encoder, as PEFT's {@code PromptEmbedding}: P trainable virtual-token
 * embeddings (P, C) that the base model's forward places before the real tokens' embeddings (see
 * {@link VirtualTokens}); the base stays frozen. The outputs then hold P virtual positions first, which a
 * language-model loss skips (PEFT labels them -100).
 */
public final class PromptTuningModel implements PeftAdapter {
    private final AdapterBase base;
    private final PromptTuningConfig config;
    private final Tensor embeddings; // (P, C) F32, requires gradients
    private final Hook hook = new Hook();
    private boolean enabled = true;

    private PromptTuningModel(AdapterBase base, PromptTuningConfig config, Tensor embeddings) {
        config.sizes().requireMatches(base, base.hiddenSize(), base.heads(), "prompt tuning");
        this.base = base;
        this.config = config;
        this.embeddings = embeddings.requiresGrad(true);
    }

    /**
     * A new adapter initialised as {@code config.init()} says: RANDOM standard normal values from {@code seed};
     * SAMPLE_VOCAB the embeddings of P ids drawn from {@code seed}; TEXT the embeddings of {@code initTextIds}
     * (the init text tokenised as PEFT does, with the tokenizer's special tokens), repeated or cut to P.
     */
    public static PromptTuningModel create(AdapterBase base, PromptTuningConfig config, int[] initTextIds, long seed) {
        int p = config.numVirtualTokens();
        int c = base.hiddenSize();
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor init = switch (config.init()) {
            case RANDOM -> Tensor.randn(rng, p, c);
            case SAMPLE_VOCAB -> rows(base, rng.ints(p, 0, base.wordEmbeddings().dim(0)).toArray());
            case TEXT -> {
                if (initTextIds == null || initTextIds.length == 0) {
                    throw new IllegalArgumentException("prompt_tuning_init TEXT needs the token ids of '"
                            + config.initText() + "' (tokenised with " + config.tokenizerNameOrPath() + "), got none");
                }
                int[] ids = new int[p];
                for (int i = 0; i < p; i++) {
                    ids[i] = initTextIds[i % initTextIds.length]; // PEFT: cut, or repeat then cut
                }
                yield rows(base, ids);
            }
        };
        return new PromptTuningModel(base, config, init);
    }

    /** An adapter with the given embeddings (P, C) (copied), e.g. as loaded. */
    static PromptTuningModel of(AdapterBase base, PromptTuningConfig config, Tensor embeddings) {
        int[] expected = {config.numVirtualTokens(), base.hiddenSize()};
        if (!Arrays.equals(embeddings.shape(), expected)) {
            throw new IllegalArgumentException("prompt embeddings must be (P, C) = " + Arrays.toString(expected)
                    + ", got " + Arrays.toString(embeddings.shape()));
        }
        return new PromptTuningModel(base, config, Tensor.of(embeddings.to(DType.F32).toFloatArray(), expected));
    }

    private static Tensor rows(AdapterBase base, int[] ids) {
        Tensor table = base.wordEmbeddings();
        for (int id : ids) {
            if (id < 0 || id >= table.dim(0)) {
                throw new IllegalArgumentException("prompt init token id " + id + " is outside the vocabulary [0, "
                        + table.dim(0) + ")");
            }
        }
        Tensor r = Autograd.noGrad(() -> Embedding.lookup(table, ids, ids.length));
        return Tensor.of(r.to(DType.F32).toFloatArray(), ids.length, table.dim(1));
    }

    /** The virtual-token embeddings (P, C), PEFT's {@code prompt_encoder.default.embedding.weight}. */
    public Tensor embeddings() {
        return embeddings;
    }

    @Override
    public AdapterBase base() {
        return base;
    }

    @Override
    public PromptTuningConfig config() {
        return config;
    }

    @Override
    public LinearHook hook() {
        return enabled ? hook : LinearHook.PLAIN;
    }

    @Override
    public int virtualPositions() {
        return enabled ? config.numVirtualTokens() : 0;
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("prompt_encoder.default.embedding.weight", embeddings);
        return out;
    }

    /** PEFT saves prompt learning as one tensor, {@code prompt_embeddings} (P, C). */
    @Override
    public Map<String, Tensor> adapterStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(PromptTuningAdapters.TENSOR, embeddings);
        return out;
    }

    @Override
    public void disableAdapters() {
        enabled = false;
    }

    @Override
    public void enableAdapters() {
        enabled = true;
    }

    @Override
    public void save(Path dir) throws IOException {
        PromptTuningAdapters.save(this, dir);
    }

    /** The plain projections, with the virtual tokens in front. */
    private final class Hook implements LinearHook, VirtualTokens {
        @Override
        public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
            return LinearHook.plain(x, linear);
        }

        @Override
        public Tensor virtualTokenEmbeddings() {
            return embeddings;
        }
    }
}
