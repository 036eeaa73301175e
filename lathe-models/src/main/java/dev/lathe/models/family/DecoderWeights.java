package dev.lathe.models.family;

import dev.lathe.engine.op.Views;
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
 * <p>The precomputed views serve inference only: they are plain views, with no autograd node linking
 * them to the stored tensor. The autograd forward takes {@link Linear#autogradWeight()} and
 * {@link Linear#autogradBias()} instead, which derive those views from the stored parameters on each call
 * with recording ops, so a loss's gradient reaches the tensor that was loaded (and that an optimiser
 * updates).
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
     * (a transposed Conv1D matrix), F32/F16/BF16; {@code bias} (N) F32 or null. {@code conv1d} is null when
     * {@code weight} and {@code bias} are the stored parameters themselves, else the stored Conv1D columns
     * they are views of (see {@link #conv1d}).
     */
    public record Linear(Tensor weight, Tensor bias, Conv1dColumns conv1d) {
        /** An nn.Linear layer: {@code weight} (N, K) and {@code bias} are the stored parameters. */
        public Linear(Tensor weight, Tensor bias) {
            this(weight, bias, null);
        }

        /**
         * Columns {@code [start, end)} of a Conv1D layer, whose weight is stored (K, N_all) = (in, out) with
         * bias (N_all): the (end - start, K) transposed view of those columns, and a copy of their bias.
         * GPT-2 uses the whole matrix for c_proj/c_fc and thirds of the fused c_attn for q, k and v.
         */
        public static Linear conv1d(Tensor storedWeight, Tensor storedBias, int start, int end) {
            Conv1dColumns src = new Conv1dColumns(storedWeight, storedBias, start, end);
            int k = storedWeight.dim(0);
            long[] s = storedWeight.strides();
            // (K, n) columns keep the row stride N_all; swapping the strides gives the (n, K) view.
            Tensor view = storedWeight.view(new int[] {end - start, k}, new long[] {s[1], s[0]},
                    storedWeight.offset() + start * s[1]);
            Tensor bias = storedBias;
            if (start != 0 || end != storedBias.dim(0)) {
                bias = storedBias.view(new int[] {end - start}, storedBias.strides(),
                        storedBias.offset() + start * storedBias.stride(0)).copyContiguous();
            }
            return new Linear(view, bias, src);
        }

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

        /**
         * The (N, K) weight for the autograd forward: the stored parameter itself, or for Conv1D columns a
         * {@link Views#transpose} of a {@link Views#slice} of the stored (K, N_all) matrix, recorded anew on
         * each call so the gradient flows back into the stored matrix.
         */
        public Tensor autogradWeight() {
            if (conv1d == null) {
                return weight;
            }
            Tensor w = conv1d.weight();
            if (conv1d.start() != 0 || conv1d.end() != w.dim(1)) {
                w = Views.slice(w, 1, conv1d.start(), conv1d.end()); // (K, n)
            }
            return Views.transpose(w, 0, 1);                         // (n, K)
        }

        /** The bias for the autograd forward (as {@link #autogradWeight()}: a recorded slice for Conv1D columns). */
        public Tensor autogradBias() {
            if (conv1d == null) {
                return bias;
            }
            Tensor b = conv1d.bias();
            return conv1d.start() == 0 && conv1d.end() == b.dim(0) ? b
                    : Views.slice(b, 0, conv1d.start(), conv1d.end());
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

    /**
     * Where a Conv1D {@link Linear} comes from: the stored weight (K, N_all) = (in, out), its bias (N_all, F32)
     * and the columns {@code [start, end)} the layer uses.
     */
    public record Conv1dColumns(Tensor weight, Tensor bias, int start, int end) {
        public Conv1dColumns {
            if (weight.rank() != 2 || bias == null || bias.rank() != 1 || bias.dim(0) != weight.dim(1)
                    || bias.dtype() != DType.F32) {
                throw new IllegalArgumentException("Conv1D needs a (K, N) weight and an F32 (N) bias, got "
                        + Arrays.toString(weight.shape()) + " and " + (bias == null ? "no bias"
                                : bias.dtype() + " " + Arrays.toString(bias.shape())));
            }
            if (start < 0 || end > weight.dim(1) || start >= end) {
                throw new IllegalArgumentException("Conv1D columns [" + start + ", " + end + ") are out of range"
                        + " for a weight of " + weight.dim(1) + " columns");
            }
        }
    }
}
