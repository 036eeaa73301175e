package dev.lathe.models.format.onnx;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An ONNX {@code TensorProto} as read from the file: name, element type, dims and the bytes of its
 * values (little-endian, row-major): a view of the file's {@code raw_data}, or the typed
 * {@code float_data}/{@code int32_data}/{@code int64_data} fields re-encoded. Converted to a Lathe
 * {@link Tensor} with {@link #toTensor()} (floating types) or read as integers with {@link #longs()}.
 */
record OnnxTensor(String name, int dataType, long[] dims, MemorySegment data) {
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    static final int FLOAT16 = 10;
    static final int BFLOAT16 = 16;

    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The element count; absurd dims (from a corrupt or hostile file) fail here instead of wrapping around. */
    long numel() {
        long n = 1;
        try {
            for (long d : dims) {
                if (d < 0) {
                    throw new IllegalArgumentException("ONNX tensor " + name + " has a negative dimension in "
                            + Arrays.toString(dims));
                }
                n = Math.multiplyExact(n, d);
            }
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("ONNX tensor " + name + " with dims " + Arrays.toString(dims)
                    + " has more elements than a long can count", e);
        }
        return n;
    }

    int[] shape() {
        int[] s = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("ONNX tensor " + name + " has an unsupported dimension " + dims[i]
                        + " in dims " + Arrays.toString(dims));
            }
            s[i] = (int) dims[i];
        }
        return s;
    }

    /** A new F32 (FLOAT), F16 (FLOAT16) or BF16 (BFLOAT16) tensor with a copy of the values. */
    Tensor toTensor() {
        DType dtype = switch (dataType) {
            case FLOAT -> DType.F32;
            case FLOAT16 -> DType.F16;
            case BFLOAT16 -> DType.BF16;
            default -> throw new IllegalArgumentException("ONNX tensor " + name + " has data_type " + dataType
                    + "; only FLOAT (1), FLOAT16 (10) and BFLOAT16 (16) convert to a weight tensor");
        };
        int[] shape = shape();
        requireBytes(byteCount(numel(), dtype.byteSize()));
        Tensor t = Tensor.empty(dtype, shape);
        MemorySegment src = data;
        MemorySegment dst = t.data();
        long n = numel();
        // The file is little-endian; the copy swaps bytes on a big-endian machine.
        if (dtype == DType.F32) {
            MemorySegment.copy(src, F32_LE, 0, dst, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
        } else {
            MemorySegment.copy(src, I16_LE, 0, dst, ValueLayout.JAVA_SHORT_UNALIGNED, 0, n);
        }
        return t;
    }

    /** The values of an INT64 or INT32 tensor. */
    long[] longs() {
        MemorySegment src = data;
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        if (dataType == INT64) {
            requireBytes(8L * n);
            for (int i = 0; i < n; i++) {
                out[i] = src.getAtIndex(I64_LE, i);
            }
        } else if (dataType == INT32) {
            requireBytes(4L * n);
            for (int i = 0; i < n; i++) {
                out[i] = src.getAtIndex(I32_LE, i);
            }
        } else {
            throw new IllegalArgumentException("ONNX tensor " + name + " has data_type " + dataType
                    + ", expected an integer tensor (INT64 = 7 or INT32 = 6)");
        }
        return out;
    }

    /** The values of a FLOAT tensor as floats (small constants). */
    float[] floats() {
        if (dataType != FLOAT) {
            throw new IllegalArgumentException("ONNX tensor " + name + " has data_type " + dataType
                    + ", expected FLOAT (1)");
        }
        int n = Math.toIntExact(numel());
        requireBytes(4L * n);
        float[] out = new float[n];
        MemorySegment src = data;
        for (int i = 0; i < n; i++) {
            out[i] = src.getAtIndex(F32_LE, i);
        }
        return out;
    }

    private long byteCount(long n, long elementBytes) {
        try {
            return Math.multiplyExact(n, elementBytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("ONNX tensor " + name + " with dims " + Arrays.toString(dims)
                    + " is too large to address in bytes", e);
        }
    }

    private void requireBytes(long bytes) {
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("ONNX tensor " + name + " with dims " + Arrays.toString(dims)
                    + " and data_type " + dataType + " holds " + data.byteSize() + " bytes of data, expected " + bytes);
        }
    }
}
