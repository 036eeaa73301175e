package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.kernel.RopeKernels;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Rotary position embedding (RoPE) as an autograd op: rotates each pair of dimensions of every
 * query/key vector by an angle proportional to the token's position, so that attention scores depend
 * on relative positions.
 *
 * <p>{@code x} is {@code (B, H, T, D)} (heads before time, as attention takes it); every vector
 * {@code x[b, h, t]} is rotated for position {@code positions[t]}. A decode step passes its absolute
 * position (the cache length) as the start offset. The pairing layout and frequencies come from the
 * table's {@link RopeConfig}.
 */
public final class Rope {
    private Rope() {}

    /** Rotates {@code x (B, H, T, D)} for positions {@code start, start + 1, ..., start + T - 1}. */
    public static Tensor apply(Tensor x, RopeTable table, int start) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("RoPE input x must be (B, H, T, D), got shape " + Arrays.toString(x.shape()));
        }
        int[] positions = new int[x.dim(2)];
        for (int t = 0; t < positions.length; t++) {
            positions[t] = start + t;
        }
        return apply(x, table, positions);
    }

    /** Rotates {@code x (B, H, T, D)}; {@code positions} has one entry per time step {@code T}. */
    public static Tensor apply(Tensor x, RopeTable table, int[] positions) {
        if (x.rank() != 4 || x.dim(3) != table.headDim()) {
            throw new IllegalArgumentException("RoPE input x must be (B, H, T, D) with D = " + table.headDim()
                    + " (the table's head dimension), got shape " + Arrays.toString(x.shape()));
        }
        int t = x.dim(2);
        if (positions.length != t) {
            throw new IllegalArgumentException("RoPE needs one position per time step: x has T = " + t + " but "
                    + positions.length + " positions were given");
        }
        for (int p : positions) {
            if (p < 0 || p >= table.maxPositions()) {
                throw new IllegalArgumentException("RoPE position " + p + " is outside the table's range [0, "
                        + table.maxPositions() + "); build the RopeTable with more positions");
            }
        }
        int[] pos = positions.clone(); // the caller may reuse its array before backward runs
        int rows = x.dim(0) * x.dim(1);
        int d = x.dim(3);
        boolean interleaved = table.config().layout() == RopeConfig.Layout.INTERLEAVED;
        Tensor xc = Views.contiguous(x);
        Tensor out = Tensor.zeros(x.shape()); // (B, H, T, D)
        RopeKernels.forward(out.data(), xc.data(), table.cos(), table.sin(), pos, rows, t, d, interleaved);
        return Autograd.record(out, "rope", dOut -> {
            if (xc.requiresGrad()) {
                RopeKernels.backward(xc.gradBuffer().data(), dOut.data(), table.cos(), table.sin(), pos, rows, t, d,
                        interleaved);
            }
        }, xc);
    }
}
