package dev.lathe.tune.peft.prefix;

import dev.lathe.engine.op.Views;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.KeyValuePrefix;
import dev.lathe.models.family.LinearHook;
import dev.lathe.tune.peft.AdapterBase;
import dev.lathe.tune.peft.PeftAdapter;
import dev.lathe.tune.peft.prompt.PromptTuningAdapters;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prefix tuning on a decoder or BERT encoder, as PEFT's {@code PrefixEncoder} without projection: one
 * trainable tensor (P, L * 2 * KVH * D), PEFT's {@code embedding.weight}, whose row p holds for every layer
 * the key and then the value of virtual position p ({@code view(P, 2L, KVH, D)}, layer l's key at index 2l,
 * its value at 2l + 1, as PEFT's {@code get_prompt} splits it). The base model's attention puts these before
 * its own keys and values in every layer (see {@link KeyValuePrefix}); the base stays frozen.
 */
public final class PrefixTuningModel implements PeftAdapter {
    private final AdapterBase base;
    private final PrefixTuningConfig config;
    private final Tensor embedding; // (P, L * 2 * KVH * D) F32, requires gradients
    private final Hook hook = new Hook();
    private boolean enabled = true;

    private PrefixTuningModel(AdapterBase base, PrefixTuningConfig config, Tensor embedding) {
        config.sizes().requireMatches(base, base.kvHeads() * base.headDim(), base.kvHeads(), "prefix tuning");
        this.base = base;
        this.config = config;
        this.embedding = embedding.requiresGrad(true);
    }

    /** A new adapter: standard normal values from {@code seed} (nn.Embedding's init), or zeros with init "zero". */
    public static PrefixTuningModel create(AdapterBase base, PrefixTuningConfig config, long seed) {
        int[] shape = shape(base, config);
        Tensor init = config.zeroInit() ? Tensor.zeros(shape) : Tensor.randn(new SplittableRandom(seed), shape);
        return new PrefixTuningModel(base, config, init);
    }

    /** An adapter with the given prefix tensor (copied), e.g. as loaded. */
    static PrefixTuningModel of(AdapterBase base, PrefixTuningConfig config, Tensor embedding) {
        int[] shape = shape(base, config);
        if (!Arrays.equals(embedding.shape(), shape)) {
            throw new IllegalArgumentException("prefix embeddings must be (P, L * 2 * KVH * D) = "
                    + Arrays.toString(shape) + ", got " + Arrays.toString(embedding.shape()));
        }
        return new PrefixTuningModel(base, config, Tensor.of(embedding.to(DType.F32).toFloatArray(), shape));
    }

    private static int[] shape(AdapterBase base, PrefixTuningConfig config) {
        return new int[] {config.numVirtualTokens(), base.layers() * 2 * base.kvHeads() * base.headDim()};
    }

    /** The prefix tensor (P, L * 2 * KVH * D). */
    public Tensor embedding() {
        return embedding;
    }

    @Override
    public AdapterBase base() {
        return base;
    }

    @Override
    public PrefixTuningConfig config() {
        return config;
    }

    @Override
    public LinearHook hook() {
        return enabled ? hook : LinearHook.PLAIN;
    }

    @Override
    public int virtualPositions() {
        return 0; // the prefix lives in the attention; outputs cover the real tokens only
    }

    @Override
    public Map<String, Tensor> trainableParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("prompt_encoder.default.embedding.weight", embedding);
        return out;
    }

    /** PEFT saves prompt learning as one tensor, {@code prompt_embeddings} (here (P, L * 2 * KVH * D)). */
    @Override
    public Map<String, Tensor> adapterStateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(PromptTuningAdapters.TENSOR, embedding);
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
        PrefixTuningAdapters.save(this, dir);
    }

    /** Block {@code slot} (2l key, 2l + 1 value of layer l) of every row, as (KVH, P, D), recorded for autograd. */
    private Tensor slot(int slot) {
        int kvh = base.kvHeads();
        int d = base.headDim();
        int p = config.numVirtualTokens();
        Tensor cols = Views.slice(embedding, 1, slot * kvh * d, (slot + 1) * kvh * d); // (P, KVH*D)
        return Views.transpose(Views.reshape(cols, p, kvh, d), 0, 1);                   // (KVH, P, D)
    }

    /** The plain projections, with the prefix in every attention layer. */
    private final class Hook implements LinearHook, KeyValuePrefix {
        @Override
        public Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear) {
            return LinearHook.plain(x, linear);
        }

        @Override
        public int prefixLength() {
            return config.numVirtualTokens();
        }

        @Override
        public Tensor keyPrefix(int layer) {
            return slot(2 * layer);
        }

        @Override
        public Tensor valuePrefix(int layer) {
            return slot(2 * layer + 1);
        }
    }
}
