package dev.lathe.engine.op;

import java.lang.foreign.MemorySegment;

/**
 * Precomputed rotary cos/sin for positions {@code [0, maxPositions)}: what {@link Rope} reads for
 * every token instead of calling cos and sin again. Built once per model from its {@link RopeConfig}.
 *
 * <p>{@code cos} and {@code sin} are read-only heap segments of shape {@code (maxPositions, D)},
 * already laid out like the rotated vector ({@code [c0..c(D/2-1), c0..c(D/2-1)]} for HALF,
 * {@code [c0, c0, c1, c1, ...]} for INTERLEAVED) so the kernel streams them next to {@code x} without
 * shuffles. That costs {@code 2 * maxPositions * D} floats (8 MiB for 8192 positions at D = 128), and
 * lives on the heap, independent of any tensor arena.
 *
 * <p>Angles are {@code float(p) * invFreq[i]} rounded to F32, as PyTorch computes them, then
 * cos/sin in double rounded to F32.
 */
public record RopeTable(RopeConfig config, int maxPositions, MemorySegment cos, MemorySegment sin) {

    public RopeTable {
        long need = (long) maxPositions * config.headDim() * Float.BYTES;
        if (maxPositions < 1 || cos.byteSize() < need || sin.byteSize() < need) {
            throw new IllegalArgumentException("RoPE table for " + maxPositions + " positions of D = "
                    + config.headDim() + " needs cos and sin of " + need + " bytes each, got " + cos.byteSize()
                    + " and " + sin.byteSize());
        }
    }

    /** Computes the table for positions {@code [0, maxPositions)}. */
    public static RopeTable create(RopeConfig config, int maxPositions) {
        int d = config.headDim();
        if (maxPositions < 1 || (long) maxPositions * d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RoPE maxPositions must be in [1, " + (Integer.MAX_VALUE / d)
                    + "] for D = " + d + ", got " + maxPositions);
        }
        float[] inv = config.inverseFrequencies();
        int half = d / 2;
        boolean interleaved = config.layout() == RopeConfig.Layout.INTERLEAVED;
        float[] cos = new float[maxPositions * d];
        float[] sin = new float[maxPositions * d];
        for (int p = 0; p < maxPositions; p++) {
            int row = p * d;
            for (int i = 0; i < half; i++) {
                float angle = (float) p * inv[i];
                float c = (float) Math.cos(angle);
                float s = (float) Math.sin(angle);
                int a = interleaved ? row + 2 * i : row + i;
                int b = interleaved ? a + 1 : a + half;
                cos[a] = c;
                cos[b] = c;
                sin[a] = s;
                sin[b] = s;
            }
        }
        return new RopeTable(config, maxPositions,
                MemorySegment.ofArray(cos).asReadOnly(), MemorySegment.ofArray(sin).asReadOnly());
    }

    public int headDim() {
        return config.headDim();
    }

    /** The rotation angle's cosine for position {@code p} and dimension {@code j} (tests, debugging). */
    public float cosAt(int p, int j) {
        return cos.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) p * headDim() + j);
    }

    public float sinAt(int p, int j) {
        return sin.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) p * headDim() + j);
    }
}
