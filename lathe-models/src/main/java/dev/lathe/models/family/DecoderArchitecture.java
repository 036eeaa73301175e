package dev.lathe.models.family;

import dev.lathe.models.config.ModelConfig;

/**
 * The few structural choices that separate the decoder families, on top of the sizes in
 * {@link ModelConfig}: which normalisation, where positions come from, and whether the MLP is gated.
 * Everything else (pre-norm residual blocks, grouped-query causal attention, tied or separate output
 * head) is shared by {@link DecoderModel}.
 *
 * @param norm             RMSNorm (Llama, Qwen2) or LayerNorm with bias (GPT-2)
 * @param learnedPositions a learned position table added to the embeddings (GPT-2) instead of RoPE
 * @param gatedMlp         {@code down(act(gate(x)) * up(x))} (Llama) instead of {@code down(act(up(x)))}
 */
public record DecoderArchitecture(ModelConfig config, Norm norm, boolean learnedPositions, boolean gatedMlp) {

    /** The normalisation layer of every block and of the final output. */
    public enum Norm { RMS, LAYER }

    public DecoderArchitecture {
        if (config == null || norm == null) {
            throw new IllegalArgumentException("decoder architecture needs a config and a norm");
        }
        if (!config.family().isDecoder()) {
            throw new IllegalArgumentException("model_type " + config.modelType() + " is not a decoder");
        }
    }

    public int hidden() { // C
        return config.hiddenSize();
    }

    public int heads() { // H
        return config.numAttentionHeads();
    }

    public int kvHeads() { // KVH
        return config.numKeyValueHeads();
    }

    public int headDim() { // D
        return config.headDim();
    }

    public int vocab() { // V
        return config.vocabSize();
    }

    public int intermediate() {
        return config.intermediateSize();
    }

    public float eps() {
        return (float) config.normEps();
    }
}
