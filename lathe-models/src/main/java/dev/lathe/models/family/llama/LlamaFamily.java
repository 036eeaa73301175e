package dev.lathe.models.family.llama;

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
 * Llama-style decoders ({@code LlamaForCausalLM}, {@code MistralForCausalLM}, {@code Qwen2ForCausalLM}):
 * RMSNorm, RoPE in the rotate-half layout, grouped-query attention, SwiGLU MLP. Qwen2 adds q/k/v
 * biases, Llama's {@code attention_bias}/{@code mlp_bias} add the others: all from the config.
 *
 * <p>Tied embeddings: when {@code lm_head.weight} is absent the head is {@code model.embed_tokens.weight};
 * when only {@code lm_head.weight} is stored (TinyStories-656K) it serves as the embedding too.
 */
public final class LlamaFamily {
    private LlamaFamily() {}

    public static DecoderModel build(ModelConfig config, WeightSource source) {
        if (config.family() != ModelFamily.LLAMA && config.family() != ModelFamily.QWEN2) {
            throw new IllegalArgumentException("LlamaFamily cannot build model_type " + config.modelType());
        }
        WeightLoader in = new WeightLoader(source);
        int c = config.hiddenSize();
        int v = config.vocabSize();
        int qDim = config.numAttentionHeads() * config.headDim();
        int kvDim = config.numKeyValueHeads() * config.headDim();
        int inter = config.intermediateSize();
        Tensor embed;
        Tensor head;
        boolean hasEmbed = in.has("model.embed_tokens.weight");
        boolean hasHead = in.has("lm_head.weight");
        if (hasEmbed) {
            embed = in.matrix("model.embed_tokens.weight", v, c);
            head = hasHead ? in.matrix("lm_head.weight", v, c) : tiedOrFail(config, in, embed, "lm_head.weight");
        } else {
            head = in.matrix("lm_head.weight", v, c); // fails naming model.embed_tokens if neither
            embed = tiedOrFail(config, in, head, "model.embed_tokens.weight");
        }
        if (config.tieWordEmbeddings() && hasEmbed && hasHead) {
            head = embed; // HF ties them: one table, one gradient
        }
        List<DecoderWeights.Layer> layers = new ArrayList<>();
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new DecoderWeights.Layer(
                    rms(in, p + "input_layernorm.weight", c),
                    linear(in, p + "self_attn.q_proj", qDim, c, config.qkvBias()),
                    linear(in, p + "self_attn.k_proj", kvDim, c, config.qkvBias()),
                    linear(in, p + "self_attn.v_proj", kvDim, c, config.qkvBias()),
                    linear(in, p + "self_attn.o_proj", c, qDim, config.outputBias()),
                    rms(in, p + "post_attention_layernorm.weight", c),
                    linear(in, p + "mlp.gate_proj", inter, c, config.mlpBias()),
                    linear(in, p + "mlp.up_proj", inter, c, config.mlpBias()),
                    linear(in, p + "mlp.down_proj", c, inter, config.mlpBias())));
        }
        DecoderWeights weights = new DecoderWeights(embed, null, layers, rms(in, "model.norm.weight", c), head);
        return new DecoderModel(new DecoderArchitecture(config, DecoderArchitecture.Norm.RMS, false, true), weights);
    }

    private static Tensor tiedOrFail(ModelConfig config, WeightLoader in, Tensor other, String missing) {
        if (!config.tieWordEmbeddings()) {
            throw new IllegalArgumentException(in.description() + ": tensor \"" + missing + "\" is missing and"
                    + " tie_word_embeddings is false");
        }
        return other;
    }

    private static DecoderWeights.Norm rms(WeightLoader in, String name, int c) {
        return new DecoderWeights.Norm(in.vector(name, c), null);
    }

    private static DecoderWeights.Linear linear(WeightLoader in, String prefix, int n, int k, boolean bias) {
        return new DecoderWeights.Linear(in.matrix(prefix + ".weight", n, k),
                bias ? in.vector(prefix + ".bias", n) : null);
    }
}
