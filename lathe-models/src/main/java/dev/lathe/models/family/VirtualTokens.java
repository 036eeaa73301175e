package dev.lathe.models.family;

import dev.lathe.engine.tensor.Tensor;

/**
 * An optional capability of a {@link LinearHook}: embeddings of virtual tokens that the model's autograd
 * forward places before the embeddings of the real tokens of every row (prompt tuning, Lester et al. 2021,
 * https://arxiv.org/abs/2104.08691, as Hugging Face PEFT's {@code PromptEmbedding}). The sequence the model
 * then runs is the virtual tokens followed by the real ones: positions count from the first virtual token,
 * the attention mask is extended with ones for them, and the hidden states and logits include their
 * positions first.
 */
public interface VirtualTokens {
    /** The virtual-token embeddings (P, C), F32, recorded for autograd when they are trained. */
    Tensor virtualTokenEmbeddings();
}
