package dev.lathe.models.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.engine.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class RopeLayoutTest {
    /** llama.cpp's permute as the spec writes it: reshape (H, 2, D/2, C), swap axes 1 and 2, reshape back. */
    static float[] specPermute(float[] w, int heads, int rows, int cols) {
        int d = rows / heads;
        float[] out = new float[w.length];
        for (int h = 0; h < heads; h++) {
            for (int a = 0; a < 2; a++) {
                for (int i = 0; i < d / 2; i++) {
                    int src = h * d + a * (d / 2) + i;   // index (h, a, i) in the (H, 2, D/2) view
                    int dst = h * d + i * 2 + a;         // lands at (h, i, a) in the (H, D/2, 2) view
                    System.arraycopy(w, src * cols, out, dst * cols, cols);
                }
            }
        }
        return out;
    }

    @Property(tries = 30)
    void halvesToInterleavedIsLlamaCppsPermuteAndInterleavedToHalvesUndoesIt(
            @ForAll @IntRange(min = 1, max = 4) int heads, @ForAll @IntRange(min = 1, max = 4) int halfD,
            @ForAll @IntRange(min = 1, max = 5) int cols) {
        int rows = heads * halfD * 2;
        Tensor w = Tensor.randn(heads * 100L + halfD, rows, cols);
        Tensor il = RopeLayout.halvesToInterleaved(w, heads);
        assertThat(il.toFloatArray()).containsExactly(specPermute(w.toFloatArray(), heads, rows, cols));
        assertThat(RopeLayout.interleavedToHalves(il, heads).toFloatArray()).containsExactly(w.toFloatArray());
    }

    @Property(tries = 20)
    void interleavedRopeOnTheOriginalEqualsRotateHalfRopeOnThePermutedWeights(
            @ForAll @IntRange(min = 1, max = 3) int heads, @ForAll @IntRange(min = 1, max = 4) int halfD,
            @ForAll @IntRange(min = 0, max = 50) int pos) {
        int d = 2 * halfD, rows = heads * d, cols = 5;
        Tensor wInterleaved = Tensor.randn(pos + 1, rows, cols);
        float[] x = Tensor.randn(pos + 2, cols).toFloatArray();
        float[] qIl = matvec(wInterleaved.toFloatArray(), x, rows, cols);
        float[] qHf = matvec(RopeLayout.interleavedToHalves(wInterleaved, heads).toFloatArray(), x, rows, cols);
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < halfD; i++) {
                double angle = pos * Math.pow(10000, -2.0 * i / d);
                double c = Math.cos(angle), s = Math.sin(angle);
                // llama2.c / llama.cpp: rotate (2i, 2i+1); Hugging Face: rotate (i, i + D/2).
                double il0 = qIl[h * d + 2 * i] * c - qIl[h * d + 2 * i + 1] * s;
                double il1 = qIl[h * d + 2 * i] * s + qIl[h * d + 2 * i + 1] * c;
                double hf0 = qHf[h * d + i] * c - qHf[h * d + i + halfD] * s;
                double hf1 = qHf[h * d + i] * s + qHf[h * d + i + halfD] * c;
                assertThat(hf0).isCloseTo(il0, within(1e-5));
                assertThat(hf1).isCloseTo(il1, within(1e-5));
            }
        }
    }

    private static float[] matvec(float[] w, float[] x, int rows, int cols) {
        float[] y = new float[rows];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[r] += w[r * cols + c] * x[c];
            }
        }
        return y;
    }
}
