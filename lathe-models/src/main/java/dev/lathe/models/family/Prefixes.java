package dev.lathe.models.family;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * What every model's forward does the same way for {@link VirtualTokens} and {@link KeyValuePrefix}: the
 * attention mask extended with ones for the virtual positions (PEFT concatenates
 * {@code torch.ones(batch, num_virtual_tokens)} before the mask), and the shape check of a layer's prefix.
 */
public final class Prefixes {
    private Prefixes() {}

    /** {@code mask} (B, T) with {@code n} ones before every row: (B, n + T); null stays null (no padding). */
    public static Tensor extendMask(Tensor mask, int n) {
        if (mask == null || n == 0) {
            return mask;
        }
        int b = mask.dim(0);
        int t = mask.dim(1);
        float[] given = mask.detach().to(DType.F32).toFloatArray();
        float[] out = new float[b * (n + t)];
        for (int i = 0; i < b; i++) {
            Arrays.fill(out, i * (n + t), i * (n + t) + n, 1f);
            System.arraycopy(given, i * t, out, i * (n + t) + n, t);
        }
        return Tensor.of(out, b, n + t);
    }

    /** {@code prefix} itself after checking it is the (heads, P, D) F32 {@code what} prefix of block {@code layer}. */
    public static Tensor checked(Tensor prefix, String what, int layer, int heads, int p, int d) {
        if (prefix == null || prefix.dtype() != DType.F32 || !Arrays.equals(prefix.shape(), new int[] {heads, p, d})) {
            throw new IllegalArgumentException("the " + what + " prefix of layer " + layer + " must be F32 (heads, P, D)"
                    + " = [" + heads + ", " + p + ", " + d + "], got " + (prefix == null ? "null"
                    : prefix.dtype() + " " + Arrays.toString(prefix.shape())));
        }
        return prefix;
    }
}
