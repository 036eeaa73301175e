package dev.lathe.models.format.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * GGML block quantization, Q8_0 and Q4_0 (spec block layouts, 32 elements a block, little-endian):
 * <pre>
 *   Q8_0: f16 d, int8 q[32]              x[i] = q[i] * d                          (34 bytes)
 *   Q4_0: f16 d, uint8 qs[16]            x[i]      = ((qs[i] &amp; 0x0F) - 8) * d   (18 bytes)
 *                                        x[i + 16] = ((qs[i] &gt;&gt; 4) - 8) * d
 * </pre>
 * Quantization follows ggml's reference rounding: Q8_0 takes d = max|x| / 127 and rounds x / d half
 * away from zero; Q4_0 takes the element of largest magnitude m (with its sign), d = m / -8, and
 * truncates x / d + 8.5 into 0..15, so m itself maps to -8 exactly.
 */
public final class GgmlQuant {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    static final int BLOCK = 32;

    private GgmlQuant() {}

    /** Decodes {@code n} elements (a multiple of 32) of Q8_0 or Q4_0 from {@code src} into F32 {@code dst}. */
    public static void dequantize(GgmlType type, MemorySegment src, MemorySegment dst, long n) {
        long blocks = n / BLOCK;
        switch (type) {
            case Q8_0 -> {
                for (long b = 0; b < blocks; b++) {
                    long at = b * 34;
                    float d = Float.float16ToFloat(src.get(F16, at));
                    for (int i = 0; i < BLOCK; i++) {
                        dst.setAtIndex(F32, b * BLOCK + i, src.get(ValueLayout.JAVA_BYTE, at + 2 + i) * d);
                    }
                }
            }
            case Q4_0 -> {
                for (long b = 0; b < blocks; b++) {
                    long at = b * 18;
                    float d = Float.float16ToFloat(src.get(F16, at));
                    for (int i = 0; i < BLOCK / 2; i++) {
                        int q = src.get(ValueLayout.JAVA_BYTE, at + 2 + i) & 0xFF;
                        dst.setAtIndex(F32, b * BLOCK + i, ((q & 0x0F) - 8) * d);
                        dst.setAtIndex(F32, b * BLOCK + i + BLOCK / 2, ((q >>> 4) - 8) * d);
                    }
                }
            }
            default -> throw new IllegalArgumentException("cannot dequantize " + type);
        }
    }

    /** Encodes {@code n} F32 elements (a multiple of 32) from {@code src} as Q8_0 or Q4_0 into {@code dst}. */
    public static void quantize(GgmlType type, MemorySegment src, MemorySegment dst, long n) {
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(n + " elements are not a whole number of " + BLOCK + "-element blocks");
        }
        long blocks = n / BLOCK;
        float[] x = new float[BLOCK];
        for (long b = 0; b < blocks; b++) {
            MemorySegment.copy(src, F32, b * BLOCK * 4, x, 0, BLOCK);
            switch (type) {
                case Q8_0 -> quantizeQ8(x, dst, b * 34);
                case Q4_0 -> quantizeQ4(x, dst, b * 18);
                default -> throw new IllegalArgumentException("cannot quantize to " + type);
            }
        }
    }

    private static void quantizeQ8(float[] x, MemorySegment dst, long at) {
        float amax = 0;
        for (float v : x) {
            amax = Math.max(amax, Math.abs(v));
        }
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(F16, at, Float.floatToFloat16(d));
        for (int i = 0; i < BLOCK; i++) {
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + i, (byte) roundHalfAway(x[i] * id));
        }
    }

    private static void quantizeQ4(float[] x, MemorySegment dst, long at) {
        float amax = 0;
        float max = 0;
        for (float v : x) {
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0 ? 1f / d : 0f;
        dst.set(F16, at, Float.floatToFloat16(d));
        for (int i = 0; i < BLOCK / 2; i++) {
            int lo = Math.min(15, (int) (x[i] * id + 8.5f));
            int hi = Math.min(15, (int) (x[i + BLOCK / 2] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + i, (byte) (lo | (hi << 4)));
        }
    }

    private static int roundHalfAway(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }
}
