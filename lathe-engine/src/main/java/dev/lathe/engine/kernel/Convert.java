package dev.lathe.engine.kernel;

import dev.lathe.engine.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Conversions between the storage types and F32, element loads/stores by type, and strided copies.
 * F16 uses the JDK's IEEE binary16 conversions (hardware F16C where present); BF16 is the upper half
 * of an F32 bit pattern, rounded to nearest-even on the way down, NaN kept quiet.
 */
public final class Convert {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    // As many int lanes as the float species has, and shorts of half the width feeding them.
    private static final VectorSpecies<Integer> INT = Simd.F.withLanes(int.class);
    private static final VectorSpecies<Short> HALF =
            VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, Simd.F.vectorBitSize() / 2)));

    private Convert() {}

    public static float bf16ToF32(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static short f32ToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040); // NaN: keep sign and payload top, force quiet
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float f16ToF32(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static short f32ToF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** Loads element {@code index} (in elements) of a segment of the given type as F32. */
    public static float load(MemorySegment segment, DType type, long index) {
        return switch (type) {
            case F32 -> segment.getAtIndex(F32, index);
            case F16 -> f16ToF32(segment.getAtIndex(S16, index));
            case BF16 -> bf16ToF32(segment.getAtIndex(S16, index));
        };
    }

    /** Stores an F32 value as element {@code index} of a segment of the given type. */
    public static void store(MemorySegment segment, DType type, long index, float value) {
        switch (type) {
            case F32 -> segment.setAtIndex(F32, index, value);
            case F16 -> segment.setAtIndex(S16, index, f32ToF16(value));
            case BF16 -> segment.setAtIndex(S16, index, f32ToBf16(value));
        }
    }

    /** Converts {@code n} contiguous elements from one type to another. */
    public static void convert(MemorySegment src, DType from, MemorySegment dst, DType to, long n) {
        if (from == to) {
            MemorySegment.copy(src, 0, dst, 0, n * from.byteSize());
            return;
        }
        if (to == DType.F32) {
            switch (from) {
                case F16 -> {
                    for (long i = 0; i < n; i++) {
                        dst.setAtIndex(F32, i, f16ToF32(src.getAtIndex(S16, i)));
                    }
                }
                case BF16 -> bf16ToF32(src, dst, n);
                default -> throw new AssertionError(from);
            }
            return;
        }
        for (long i = 0; i < n; i++) {
            store(dst, to, i, load(src, from, i));
        }
    }

    /** Widens {@code n} BF16 values to F32: a shift of each bit pattern into the upper half. */
    public static void bf16ToF32(MemorySegment src, MemorySegment dst, long n) {
        if (!Simd.ENABLED) {
            bf16ToF32Scalar(src, dst, n);
            return;
        }
        int lanes = INT.length();
        long i = 0;
        for (long upper = n - n % lanes; i < upper; i += lanes) {
            ((IntVector) ShortVector.fromMemorySegment(HALF, src, i * 2, NATIVE)
                    .convertShape(VectorOperators.S2I, INT, 0))
                    .lanewise(VectorOperators.LSHL, 16)
                    .reinterpretAsFloats()
                    .intoMemorySegment(dst, i * 4, NATIVE);
        }
        for (; i < n; i++) {
            dst.setAtIndex(F32, i, bf16ToF32(src.getAtIndex(S16, i)));
        }
    }

    public static void bf16ToF32Scalar(MemorySegment src, MemorySegment dst, long n) {
        for (long i = 0; i < n; i++) {
            dst.setAtIndex(F32, i, bf16ToF32(src.getAtIndex(S16, i)));
        }
    }

    /** Fills {@code n} F32 elements with a value. */
    public static void fill(MemorySegment segment, long n, float value) {
        for (long i = 0; i < n; i++) {
            segment.setAtIndex(F32, i, value);
        }
    }
}
