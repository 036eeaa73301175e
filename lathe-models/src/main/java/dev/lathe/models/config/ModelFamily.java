package dev.lathe.models.config;

/**
 * The architectures Lathe knows, keyed by Hugging Face {@code model_type}. Several model types share
 * one family when they differ only in configuration (Mistral is Llama with other defaults).
 */
public enum ModelFamily {
    /** {@code llama}, {@code mistral}: TinyLlama, SmolLM/SmolLM2, Llama 2/3, Mistral. */
    LLAMA,
    /** {@code qwen2}: Llama blocks with q/k/v projection biases. */
    QWEN2,
    /** {@code gpt2}: learned positions, LayerNorm, tanh-GELU MLP, fused Conv1D attention. */
    GPT2,
    /** {@code bert}: encoder only (parsed here; the encoder lives in family.bert). */
    BERT;

    /** The family for a {@code model_type}, or null when Lathe does not support it. */
    public static ModelFamily ofModelType(String modelType) {
        return switch (modelType) {
            case "llama", "mistral" -> LLAMA;
            case "qwen2" -> QWEN2;
            case "gpt2" -> GPT2;
            case "bert" -> BERT;
            default -> null;
        };
    }

    /** Whether this is a decoder-only (causal language model) family. */
    public boolean isDecoder() {
        return this != BERT;
    }
}
