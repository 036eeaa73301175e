package dev.lathe.models.family.gpt2;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.config.ModelFamily;
import dev.lathe.models.family.DecoderArchitecture;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.DecoderWeights;
import dev.lathe.models.family.WeightLoader;
import dev.lathe.models.family.WeightSource;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2 ({@code GPT2LMHeadModel}): learned position embeddings, LayerNorm, tanh-GELU MLP, and
 * {@code Conv1D} layers whose weights are stored (in, out), the transpose of nn.Linear. They are used
 * as transposed views, and the fused {@code c_attn} (C, 3C) as three column slices for q, k and v, so
 * nothing is copied ({@link DecoderWeights.Linear#conv1d}; the autograd forward derives the same views
 * with recording ops, so training updates the stored matrices). The head is tied to {@code wte}. Names
 * may carry the {@code transformer.} prefix (as {@code save_pretrained} writes them) or not (the original
 * checkpoints).
 */
public final class Gpt2Family {
    private Gpt2Family() {}

    public static DecoderModel build(ModelConfig config, WeightSource source) {
        if (config.family() != ModelFamily.GPT2) {
            throw new IllegalArgumentException("Gpt2Family cannot build model_type " + config.modelType());
        }
        WeightLoader in = new WeightLoader(source);
        String p = in.has("transformer.wte.weight") ? "transformer." : "";
        int c = config.hiddenSize();
        int inter = config.intermediateSize();
        Tensor wte = in.matrix(p + "wte.weight", config.vocabSize(), c);
        Tensor wpe = in.matrix(p + "wpe.weight", config.maxPositionEmbeddings(), c);
        Tensor head = !config.tieWordEmbeddings() && in.has("lm_head.weight")
                ? in.matrix("lm_head.weight", config.vocabSize(), c) : wte;
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String l = p + "h." + i + ".";
            Tensor qkv = in.matrix(l + "attn.c_attn.weight", c, 3 * c);  // (C, 3C) = (in, out)
            Tensor qkvBias = in.vector(l + "attn.c_attn.bias", 3 * c);
            layers.add(new DecoderWeights.Layer(
                    norm(in, l + "ln_1", c),
                    DecoderWeights.Linear.conv1d(qkv, qkvBias, 0, c),
                    DecoderWeights.Linear.conv1d(qkv, qkvBias, c, 2 * c),
                    DecoderWeights.Linear.conv1d(qkv, qkvBias, 2 * c, 3 * c),
                    conv1d(in, l + "attn.c_proj", c, c),
                    norm(in, l + "ln_2", c),
                    null,
                    conv1d(in, l + "mlp.c_fc", c, inter),
                    conv1d(in, l + "mlp.c_proj", inter, c)));
        }
        DecoderWeights weights = new DecoderWeights(wte, wpe, layers, norm(in, p + "ln_f", c), head);
        return new DecoderModel(new DecoderArchitecture(config, DecoderArchitecture.Norm.LAYER, true, false),
                weights);
    }

    private static DecoderWeights.Linear conv1d(WeightLoader in, String prefix, int k, int n) {
        return DecoderWeights.Linear.conv1d(in.matrix(prefix + ".weight", k, n), in.vector(prefix + ".bias", n), 0, n);
    }

    private static DecoderWeights.Norm norm(WeightLoader in, String prefix, int c) {
        return new DecoderWeights.Norm(in.vector(prefix + ".weight", c), in.vector(prefix + ".bias", c));
    }
}
