package dev.lathe.engine.op;

/**
 * How a model's rotary position embedding is parameterised: head dimension, base {@code theta},
 * frequency scaling and the pairing layout. {@link #inverseFrequencies()} turns it into the
 * {@code D/2} rotation frequencies; {@link RopeTable} precomputes cos/sin from them.
 *
 * <p>Frequencies follow Hugging Face transformers ({@code modeling_rope_utils}) step by step in F32
 * arithmetic, so tables agree with PyTorch bit for bit in almost every entry (see
 * {@link #inverseFrequencies()}).
 */
public record RopeConfig(int headDim, double theta, Scaling scaling, Layout layout) {

    /** Which dimensions are rotated together. */
    public enum Layout {
        /** Pairs {@code (i, i + D/2)}: Hugging Face's {@code rotate_half} (GPT-NeoX style). */
        HALF,
        /** Pairs {@code (2i, 2i + 1)}: Meta's original complex-number code, llama2.c, GGUF/llama.cpp "normal". */
        INTERLEAVED
    }

    /** How the base frequencies are stretched for contexts longer than the model was trained on. */
    public sealed interface Scaling permits None, Linear, Llama3 {}

    /** Plain RoPE. */
    public record None() implements Scaling {}

    /**
     * Position interpolation: every frequency divided by {@code factor} (equivalently positions / factor;
     * HF divides the frequencies, which is what this does, and the two agree exactly for powers of two).
     */
    public record Linear(double factor) implements Scaling {
        public Linear {
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("linear RoPE scaling factor must be positive and finite, got " + factor);
            }
        }
    }

    /**
     * Llama 3.1 frequency scaling: wavelengths shorter than {@code originalMaxPositions / highFreqFactor}
     * are kept, those longer than {@code originalMaxPositions / lowFreqFactor} are divided by
     * {@code factor}, and the band in between is blended linearly in {@code originalMaxPositions / wavelength}.
     */
    public record Llama3(double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions)
            implements Scaling {
        public Llama3 {
            if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || originalMaxPositions < 1) {
                throw new IllegalArgumentException("llama3 RoPE scaling needs factor > 0, 0 < lowFreqFactor < "
                        + "highFreqFactor and originalMaxPositions >= 1, got factor " + factor + ", lowFreqFactor "
                        + lowFreqFactor + ", highFreqFactor " + highFreqFactor + ", originalMaxPositions "
                        + originalMaxPositions);
            }
        }
    }

    public RopeConfig {
        if (headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("RoPE headDim must be even and at least 2, got " + headDim);
        }
        if (!(theta > 1) || Double.isInfinite(theta)) {
            throw new IllegalArgumentException("RoPE theta must be finite and > 1, got " + theta);
        }
        if (scaling == null || layout == null) {
            throw new IllegalArgumentException("RoPE scaling and layout must not be null (use new None(), Layout.HALF)");
        }
    }

    /** Unscaled RoPE in the Hugging Face (HALF) layout. */
    public RopeConfig(int headDim, double theta) {
        this(headDim, theta, new None(), Layout.HALF);
    }

    public RopeConfig withLayout(Layout value) {
        return new RopeConfig(headDim, theta, scaling, value);
    }

    public RopeConfig withScaling(Scaling value) {
        return new RopeConfig(headDim, theta, value, layout);
    }

    /**
     * The {@code D/2} inverse frequencies {@code 1 / theta^(2i/D)}, scaled. Every step is rounded to F32
     * as PyTorch does it (exponent {@code float(2i) / D}, pow, reciprocal; HF's llama3 rule with its
     * float32 reciprocals and products), so they match HF exactly except where PyTorch's {@code powf}
     * is itself one ulp off a near-halfway value (a relative 6e-8, harmless for angles).
     */
    public float[] inverseFrequencies() {
        int half = headDim / 2;
        float base = (float) theta;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            inv[i] = 1f / (float) Math.pow(base, exponent);
        }
        switch (scaling) {
            case None n -> { }
            case Linear l -> {
                float factor = (float) l.factor();
                for (int i = 0; i < half; i++) {
                    inv[i] = inv[i] / factor;
                }
            }
            case Llama3 s -> llama3(inv, s);
        }
        return inv;
    }

    private static void llama3(float[] inv, Llama3 s) {
        float factor = (float) s.factor();
        float low = (float) s.lowFreqFactor();
        float high = (float) s.highFreqFactor();
        float oldContext = (float) s.originalMaxPositions();
        float lowFreqWavelen = (float) (s.originalMaxPositions() / s.lowFreqFactor());
        float highFreqWavelen = (float) (s.originalMaxPositions() / s.highFreqFactor());
        float bandWidth = (float) (s.highFreqFactor() - s.lowFreqFactor());
        float twoPi = (float) (2 * Math.PI);
        for (int i = 0; i < inv.length; i++) {
            // PyTorch evaluates "scalar / tensor" as reciprocal(tensor) * scalar; mirror it for equal bits.
            float wavelen = twoPi * (1f / inv[i]);
            if (wavelen > lowFreqWavelen) {
                inv[i] = inv[i] / factor;              // low frequencies: fully interpolated
            } else if (!(wavelen < highFreqWavelen)) {
                float smooth = (oldContext * (1f / wavelen) - low) / bandWidth;
                inv[i] = (1f - smooth) * inv[i] / factor + smooth * inv[i]; // medium band: blend
            }                                          // high frequencies: unchanged
        }
    }
}
