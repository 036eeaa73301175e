package dev.lathe.models.format.gguf;

import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;

/**
 * Reorders the rows of Llama query/key projections between the two RoPE layouts.
 *
 * <p>RoPE rotates pairs of a head's D features. Meta's original Llama code, llama2.c and llama.cpp's
 * GGUF files pair <em>adjacent</em> features (2i, 2i+1): the "interleaved" layout. Hugging Face's
 * Llama pairs feature i with i + D/2 ("rotate half"). The two are the same model once the output
 * rows of W_q and W_k are permuted inside each head: HF row {@code i + j*D/2} (j = 0 for the first,
 * 1 for the second member of pair i) is interleaved row {@code 2i + j}. llama.cpp's converter applies
 * this (its {@code permute}: reshape to (H, 2, D/2, ...), swap axes 1 and 2) when it writes Llama
 * checkpoints from HF, so importing to HF names must undo it; llama2.c checkpoints are interleaved
 * from the start. Q uses the number of query heads, K the number of key/value heads.
 */
public final class RopeLayout {
    private RopeLayout() {}

    /** Interleaved (GGUF, llama2.c, Meta) rows to Hugging Face's rotate-half rows; rows = heads * D. */
    public static Tensor interleavedToHalves(Tensor w, int heads) {
        return permute(w, heads, true);
    }

    /** Hugging Face's rotate-half rows to interleaved (what llama.cpp expects in GGUF). */
    public static Tensor halvesToInterleaved(Tensor w, int heads) {
        return permute(w, heads, false);
    }

    private static Tensor permute(Tensor w, int heads, boolean toHalves) {
        int rows = w.rank() == 0 ? 1 : w.dim(0);
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException("cannot permute " + rows + " rows as " + heads
                    + " heads of an even head size");
        }
        int d = rows / heads;
        Tensor src = w.isContiguous() ? w : w.copyContiguous();
        Tensor out = Tensor.empty(src.dtype(), src.shape());
        long rowBytes = src.numel() / rows * src.dtype().byteSize();
        MemorySegment in = src.data();
        MemorySegment dst = out.data();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    long halves = (long) h * d + i + (long) j * d / 2;
                    long interleaved = (long) h * d + 2L * i + j;
                    long from = toHalves ? interleaved : halves;
                    long to = toHalves ? halves : interleaved;
                    MemorySegment.copy(in, from * rowBytes, dst, to * rowBytes, rowBytes);
                }
            }
        }
        return out;
    }
}
