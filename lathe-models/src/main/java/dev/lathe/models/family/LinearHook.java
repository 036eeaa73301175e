package dev.lathe.models.family;

import dev.lathe.engine.op.MatMul;
import dev.lathe.engine.tensor.Tensor;

/**
 * Computes one named linear projection of {@link DecoderModel}'s autograd forward. The model calls it for
 * every projection of every block, so an adapter (LoRA and the other PEFT methods in lathe-tune) can wrap
 * chosen projections without copying the model or its weights; {@link #PLAIN} is the ordinary
 * {@code x W^T + b}. The inference path (KV cache) does not call hooks: merge an adapter into the weights
 * to serve it there.
 */
@FunctionalInterface
public interface LinearHook {
    /** The plain projection, what the model computes without a hook. */
    LinearHook PLAIN = (layer, projection, x, linear) -> plain(x, linear);

    /**
     * The output (..., N) of {@code linear} in block {@code layer} for input {@code x} (..., K), recorded
     * for autograd.
     */
    Tensor apply(int layer, Projection projection, Tensor x, DecoderWeights.Linear linear);

    /** {@code x W^T + b} through the autograd views of the stored parameters (see {@link DecoderWeights}). */
    static Tensor plain(Tensor x, DecoderWeights.Linear linear) {
        // Not linear.weight(): for GPT-2's Conv1D that is a view made at load time, outside the graph.
        return MatMul.linear(x, linear.autogradWeight(), linear.autogradBias());
    }

    /** The projections of one block, in {@link DecoderWeights.Layer}'s terms. */
    enum Projection { Q, K, V, O, GATE, UP, DOWN }
}
