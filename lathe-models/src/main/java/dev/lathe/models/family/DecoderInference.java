package dev.lathe.models.family;

import dev.lathe.engine.kernel.ActivationKernels;
import dev.lathe.engine.kernel.AttentionKernels;
import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.kernel.EmbeddingKernels;
import dev.lathe.engine.kernel.Gemm;
import dev.lathe.engine.kernel.NormKernels;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.kernel.RopeKernels;
import dev.lathe.engine.op.RopeConfig;
import dev.lathe.engine.op.RopeTable;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.config.Activation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The inference path of {@link DecoderModel}: the same computation as its autograd forward, written
 * straight on the engine kernels over scratch buffers that are allocated once (and grown only when a
 * larger batch arrives), with keys and values appended to {@link DecoderKvCache}s.
 *
 * <p>Rows are tokens: a prefill runs one sequence's T prompt tokens as T rows, a decode step runs one
 * token of each of n sequences as n rows, so every linear layer is one (rows, K) x W^T product that
 * streams the weights once for the whole batch. Attention runs per sequence against its own cache,
 * per kv head, with the H/KVH query heads that share it. Calls are serialised (the scratch is shared).
 */
final class DecoderInference {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final DecoderArchitecture arch;
    private final DecoderWeights w;
    private final RopeTable rope; // null: learned positions
    private final int c;      // C
    private final int heads;  // H
    private final int kvHeads; // KVH
    private final int d;      // D
    private final int inter;  // MLP width
    private final int vocab;  // V
    private final float scale;
    private final DecoderWeights.Linear lmHead;
    private Scratch scratch;
    // (logitsRows, V): only the rows head() writes (1 for a prefill, n for a decode batch), so a long
    // prompt does not reserve t * V floats; grown separately from the per-token scratch.
    private MemorySegment logits;
    private int logitsRows;

    DecoderInference(DecoderArchitecture arch, DecoderWeights weights, RopeTable rope) {
        this.arch = arch;
        this.w = weights;
        this.rope = rope;
        this.c = arch.hidden();
        this.heads = arch.heads();
        this.kvHeads = arch.kvHeads();
        this.d = arch.headDim();
        this.inter = arch.intermediate();
        this.vocab = arch.vocab();
        this.scale = (float) (1.0 / Math.sqrt(d));
        this.lmHead = new DecoderWeights.Linear(weights.lmHead(), null);
    }

    /** Per-row work buffers for up to {@code rows} tokens at once. */
    private static final class Scratch {
        final int rows;
        final MemorySegment x;      // (rows, C) residual stream
        final MemorySegment h;      // (rows, C) normed
        final MemorySegment q;      // (rows, H*D)
        final MemorySegment k;      // (rows, KVH*D)
        final MemorySegment v;      // (rows, KVH*D)
        final MemorySegment att;    // (rows, H*D)
        final MemorySegment qT;     // (H, rows, D) one prefill's queries, head-major
        final MemorySegment attT;   // (H, rows, D)
        final MemorySegment gate;   // (rows, I)
        final MemorySegment up;     // (rows, I)
        final int[] ropePositions;  // (rows * max(H, KVH))

        Scratch(int rows, int c, int qDim, int kvDim, int inter, int maxHeads) {
            this.rows = rows;
            Arena arena = Arena.ofAuto();
            x = arena.allocate((long) rows * c * 4, 64);
            h = arena.allocate((long) rows * c * 4, 64);
            q = arena.allocate((long) rows * qDim * 4, 64);
            k = arena.allocate((long) rows * kvDim * 4, 64);
            v = arena.allocate((long) rows * kvDim * 4, 64);
            att = arena.allocate((long) rows * qDim * 4, 64);
            qT = arena.allocate((long) rows * qDim * 4, 64);
            attT = arena.allocate((long) rows * qDim * 4, 64);
            gate = arena.allocate((long) rows * inter * 4, 64);
            up = arena.allocate((long) rows * inter * 4, 64);
            ropePositions = new int[rows * maxHeads];
        }
    }

    private Scratch scratch(int rows) {
        if (scratch == null || scratch.rows < rows) {
            scratch = new Scratch(rows, c, heads * d, kvHeads * d, inter, Math.max(heads, kvHeads));
        }
        return scratch;
    }

    private MemorySegment logits(int rows) {
        if (logits == null || logitsRows < rows) {
            logits = Arena.ofAuto().allocate((long) rows * vocab * 4, 64);
            logitsRows = rows;
        }
        return logits;
    }

    /** Rows the logits buffer currently holds (for tests: prefill must not size it by prompt length). */
    synchronized int logitsRows() {
        return logitsRows;
    }

    /** Runs a prompt through the model, appending it to {@code cache}; returns the logits after its last token. */
    synchronized float[] prefill(int[] tokens, DecoderKvCache cache) {
        int t = tokens.length;
        if (t == 0) {
            throw new IllegalArgumentException("forward needs at least one token");
        }
        checkIds(tokens);
        int start = cache.length();
        if (start + t > cache.capacity()) {
            throw new ContextLengthExceededException(start + t, cache.capacity());
        }
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) {
            pos[i] = start + i;
        }
        Scratch s = scratch(t);
        run(s, tokens, pos, new DecoderKvCache[] {cache}, new int[] {0}, new int[] {t});
        float[][] out = {new float[vocab]};
        head(s, t - 1, 1, out);
        cache.advance(t);
        return out[0];
    }

    /**
     * The final hidden states (after the final norm, Hugging Face's {@code last_hidden_state}) of a
     * whole sequence, averaged over its positions: a decoder model's sentence embedding (C). Runs the
     * tokens as a prefill into {@code cache}, which it leaves filled.
     */
    synchronized float[] meanHiddenState(int[] tokens, DecoderKvCache cache) {
        int t = tokens.length;
        if (t == 0) {
            throw new IllegalArgumentException("an embedding needs at least one token");
        }
        checkIds(tokens);
        if (cache.length() != 0 || cache.capacity() < t) {
            throw new IllegalArgumentException("meanHiddenState needs an empty cache for " + t + " tokens");
        }
        int[] pos = new int[t];
        for (int i = 0; i < t; i++) {
            pos[i] = i;
        }
        Scratch s = scratch(t);
        run(s, tokens, pos, new DecoderKvCache[] {cache}, new int[] {0}, new int[] {t});
        cache.advance(t);
        norm(w.finalNorm(), s.x, 0, s.h, t);
        double[] sum = new double[c];
        for (int r = 0; r < t; r++) {
            for (int j = 0; j < c; j++) {
                sum[j] += s.h.getAtIndex(F32, (long) r * c + j);
            }
        }
        float[] mean = new float[c];
        for (int j = 0; j < c; j++) {
            mean[j] = (float) (sum[j] / t);
        }
        return mean;
    }

    /** One token for each of several sequences, batched into the same products. */
    synchronized void decode(int[] tokens, DecoderKvCache[] caches, float[][] logits) {
        int n = tokens.length;
        if (n == 0) {
            return;
        }
        checkIds(tokens);
        int[] pos = new int[n];
        int[] first = new int[n];
        int[] count = new int[n];
        for (int i = 0; i < n; i++) {
            DecoderKvCache cache = caches[i];
            if (cache.length() + 1 > cache.capacity()) {
                throw new ContextLengthExceededException(cache.length() + 1, cache.capacity());
            }
            if (logits[i] == null || logits[i].length < vocab) {
                throw new IllegalArgumentException("logits[" + i + "] must hold V = " + vocab + " floats");
            }
            pos[i] = cache.length();
            first[i] = i;
            count[i] = 1;
        }
        Scratch s = scratch(n);
        run(s, tokens, pos, caches, first, count);
        head(s, 0, n, logits);
        for (DecoderKvCache cache : caches) {
            cache.advance(1);
        }
    }

    private void checkIds(int[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocab) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is out of range for vocabulary size V = " + vocab);
            }
        }
    }

    /**
     * All blocks for {@code ids.length} rows at positions {@code pos}; sequence {@code i} owns rows
     * [first[i], first[i] + count[i]) and its keys/values go to {@code caches[i]} (not yet advanced).
     */
    private void run(Scratch s, int[] ids, int[] pos, DecoderKvCache[] caches, int[] first, int[] count) {
        int rows = ids.length;
        Tensor embed = w.embed();
        EmbeddingKernels.forward(s.x, embed.data(), embed.dtype(), ids, c);
        if (w.positions() != null) {
            Tensor table = w.positions();
            EmbeddingKernels.forward(s.h, table.data(), table.dtype(), pos, c);
            Elementwise.addInto(s.x, s.h, (long) rows * c);
        }
        int qDim = heads * d;
        int kvDim = kvHeads * d;
        for (int l = 0; l < w.layers().size(); l++) {
            DecoderWeights.Layer layer = w.layers().get(l);
            norm(layer.attnNorm(), s.x, 0, s.h, rows);
            linear(layer.q(), s.h, rows, s.q, false);
            linear(layer.k(), s.h, rows, s.k, false);
            linear(layer.v(), s.h, rows, s.v, false);
            if (rope != null) {
                rotate(s, s.q, pos, rows, heads);
                rotate(s, s.k, pos, rows, kvHeads);
            }
            for (int i = 0; i < caches.length; i++) {
                DecoderKvCache cache = caches[i];
                for (int r = first[i]; r < first[i] + count[i]; r++) {
                    for (int g = 0; g < kvHeads; g++) {
                        long src = ((long) r * kvDim + (long) g * d) * 4;
                        MemorySegment.copy(s.k, src, cache.keys(), cache.at(l, g, pos[r]), (long) d * 4);
                        MemorySegment.copy(s.v, src, cache.values(), cache.at(l, g, pos[r]), (long) d * 4);
                    }
                }
                attend(s, l, cache, first[i], count[i]);
            }
            linear(layer.o(), s.att, rows, s.x, true);
            norm(layer.mlpNorm(), s.x, 0, s.h, rows);
            long n = (long) rows * inter;
            MemorySegment m;
            if (layer.gate() != null) {
                linear(layer.gate(), s.h, rows, s.gate, false);
                linear(layer.up(), s.h, rows, s.up, false);
                if (arch.config().hiddenAct() == Activation.SILU) {
                    ActivationKernels.swigluForward(s.gate, s.gate, s.up, n); // in place: element-wise
                } else {
                    ActivationKernels.forward(kind(), s.gate, s.gate, n);
                    for (long e = 0; e < n; e++) {
                        s.gate.setAtIndex(F32, e, s.gate.getAtIndex(F32, e) * s.up.getAtIndex(F32, e));
                    }
                }
                m = s.gate;
            } else {
                linear(layer.up(), s.h, rows, s.up, false);
                ActivationKernels.forward(kind(), s.up, s.up, n);
                m = s.up;
            }
            linear(layer.down(), m, rows, s.x, true);
        }
    }

    /** Causal attention of one sequence's {@code t} query rows against its cache after they were appended. */
    private void attend(Scratch s, int layer, DecoderKvCache cache, int firstRow, int t) {
        int keys = cache.length() + t; // S
        int group = heads / kvHeads;
        long qDimBytes = (long) heads * d * 4;
        MemorySegment q;
        MemorySegment out;
        if (t == 1) { // one query: its (H, D) row is already head-major (H, 1, D)
            q = s.q.asSlice(firstRow * qDimBytes, qDimBytes);
            out = s.att.asSlice(firstRow * qDimBytes, qDimBytes);
        } else {
            swapTokensAndHeads(s.q, firstRow, s.qT, t, true);
            q = s.qT;
            out = s.attT;
        }
        AttentionKernels.Dims dims = new AttentionKernels.Dims(1, group, 1, t, keys, d);
        long headBlock = (long) group * t * d * 4; // the query heads reading kv head g
        long kvBytes = (long) keys * d * 4;
        for (int g = 0; g < kvHeads; g++) {
            AttentionKernels.forward(out.asSlice(g * headBlock, headBlock), null, q.asSlice(g * headBlock, headBlock),
                    cache.keys().asSlice(cache.at(layer, g, 0), kvBytes),
                    cache.values().asSlice(cache.at(layer, g, 0), kvBytes), null, dims, scale, true);
        }
        if (t > 1) {
            swapTokensAndHeads(s.att, firstRow, s.attT, t, false);
        }
    }

    /** Copies rows (T, H, D) from {@code rowMajor} at {@code firstRow} to (H, T, D) in {@code headMajor}, or back. */
    private void swapTokensAndHeads(MemorySegment rowMajor, int firstRow, MemorySegment headMajor, int t,
            boolean toHeadMajor) {
        long vec = (long) d * 4;
        for (int r = 0; r < t; r++) {
            for (int hh = 0; hh < heads; hh++) {
                long a = (((long) (firstRow + r) * heads) + hh) * vec;
                long b = ((long) hh * t + r) * vec;
                if (toHeadMajor) {
                    MemorySegment.copy(rowMajor, a, headMajor, b, vec);
                } else {
                    MemorySegment.copy(headMajor, b, rowMajor, a, vec);
                }
            }
        }
    }

    /** RoPE in place on (rows, n, D) vectors: row r is at position pos[r]. */
    private void rotate(Scratch s, MemorySegment x, int[] pos, int rows, int n) {
        int[] p = s.ropePositions;
        for (int r = 0; r < rows; r++) {
            for (int hh = 0; hh < n; hh++) {
                p[r * n + hh] = pos[r];
            }
        }
        // Seen as one row of rows*n vectors with their own positions; the kernel reads both halves of a
        // pair before writing them, so in place is safe.
        RopeKernels.forward(x, x, rope.cos(), rope.sin(), p, 1, rows * n, d,
                rope.config().layout() == RopeConfig.Layout.INTERLEAVED);
    }

    /** Final norm and output head for {@code rows} rows from {@code firstRow}, copied into {@code out}. */
    private void head(Scratch s, int firstRow, int rows, float[][] out) {
        norm(w.finalNorm(), s.x, (long) firstRow * c * 4, s.h, rows);
        MemorySegment l = logits(rows);
        linear(lmHead, s.h, rows, l, false);
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(l, F32, (long) i * vocab * 4, out[i], 0, vocab);
        }
    }

    private void norm(DecoderWeights.Norm n, MemorySegment in, long inOffsetBytes, MemorySegment out, int rows) {
        MemorySegment x = in.asSlice(inOffsetBytes, (long) rows * c * 4);
        if (arch.norm() == DecoderArchitecture.Norm.RMS) {
            NormKernels.rmsNormForward(out, null, x, n.weight().data(), rows, c, arch.eps());
        } else {
            NormKernels.layerNormForward(out, null, null, x, n.weight().data(),
                    n.bias() == null ? null : n.bias().data(), rows, c, arch.eps());
        }
    }

    /** {@code out (rows, N) = in (rows, K) W^T + b}, or {@code out +=} that when {@code accumulate}. */
    private static void linear(DecoderWeights.Linear l, MemorySegment in, int rows, MemorySegment out,
            boolean accumulate) {
        int n = l.outFeatures();
        int k = l.inFeatures();
        float beta = accumulate ? 1f : 0f;
        if (l.bias() != null) {
            MemorySegment b = l.bias().data();
            for (int r = 0; r < rows; r++) {
                if (accumulate) {
                    Elementwise.addInto(out.asSlice((long) r * n * 4, (long) n * 4), b, n);
                } else {
                    MemorySegment.copy(b, 0, out, (long) r * n * 4, (long) n * 4);
                }
            }
            beta = 1f;
        }
        Tensor wt = l.weight();
        Gemm.gemm(Parallel.threads(), false, l.storedTransposed(), rows, n, k, 1f, in, 0, k, wt.storage(), wt.dtype(),
                wt.offset(), l.leadingDimension(), beta, out, 0, n);
    }

    private ActivationKernels.Kind kind() {
        return switch (arch.config().hiddenAct()) {
            case SILU -> ActivationKernels.Kind.SILU;
            case GELU -> ActivationKernels.Kind.GELU;
            case GELU_TANH -> ActivationKernels.Kind.GELU_TANH;
        };
    }
}
