package dev.lathe.models.family;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Every weight of a decoder, already in the shapes {@link DecoderModel} computes with: linear weights as
 * (N, K) views (nn.Linear's layout; GPT-2's Conv1D (K, N) matrices appear as transposed views, its fused
 * q/k/v matrix as three column slices, nothing copied), norm weights and biases as F32 vectors.
 * A tied output head is the same {@link Tensor} object as the embedding, so training updates one table.
 *
 * @param embed     token embedding (V, C)
 * @param positions learned position embedding (P, C), or null (RoPE)
 * @param finalNorm the norm before the output head
 * @param lmHead    output projection (V, C)
 */
public record DecoderWeights(Tensor embed, Tensor positions, List<Layer> layers, Norm finalNorm, Tensor lmHead) {

    public DecoderWeights {
        layers = List.copyOf(layers);
    }

    /** One transformer block. {@code gate} is null for an ungated MLP. */
    public record Layer(Norm attnNorm, Linear q, Linear k, Linear v, Linear o, Norm mlpNorm, Linear gate, Linear up,
            Linear down) {}

    /** A norm's scale and (LayerNorm) bias, F32; bias null for RMSNorm. */
    public record Norm(Tensor weight, Tensor bias) {}

    /**
     * {@code y = x W^T + b} with {@code weight} an (N, K) view that is row-major (nn.Linear) or column-major
     * (a transposed Conv1D matrix), F32/F16/BF16; {@code bias} (N) F32 or null.
     */
    public record Linear(Tensor weight, Tensor bias) {
        public Linear {
            if (weight.rank() != 2) {
                throw new IllegalArgumentException("linear weight must be (N, K), got " + Arrays.toString(weight.shape()));
            }
            if (bias != null && (bias.rank() != 1 || bias.dim(0) != weight.dim(0) || bias.dtype() != DType.F32)) {
                throw new IllegalArgumentException("linear bias must be F32 (" + weight.dim(0) + "), got "
                        + bias.dtype() + " " + Arrays.toString(bias.shape()));
            }
            if (!rowMajor(weight) && !columnMajor(weight)) {
                weight = weight.copyContiguous();
            }
        }

        public int outFeatures() { // N
            return weight.dim(0);
        }

        public int inFeatures() { // K
            return weight.dim(1);
        }

        /** For Gemm's B operand = W^T (K, N): true when W is stored row-major (N, K). */
        boolean storedTransposed() {
            return rowMajor(weight);
        }

        /** Gemm's leading dimension of the stored matrix. */
        int leadingDimension() {
            return rowMajor(weight) ? (int) Math.max(weight.stride(0), weight.dim(1))
                    : (int) Math.max(weight.stride(1), weight.dim(0));
        }

        private static boolean rowMajor(Tensor w) {
            return (w.dim(1) == 1 || w.stride(1) == 1) && (w.dim(0) == 1 || w.stride(0) >= w.dim(1));
        }

        private static boolean columnMajor(Tensor w) {
            return (w.dim(0) == 1 || w.stride(0) == 1) && (w.dim(1) == 1 || w.stride(1) >= w.dim(0));
        }
    }
}
