package dev.lathe.engine.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and ops: element counts, strides, broadcasting. */
public final class Shapes {
    private Shapes() {}

    /** Number of elements of a shape; the empty shape is a scalar with one element. */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** Row-major (C order) strides, in elements. */
    public static long[] contiguousStrides(int[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /** Validates a shape: every dimension non-negative. */
    public static int[] checked(int[] shape) {
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new IllegalArgumentException(
                        "dimension " + i + " of shape " + Arrays.toString(shape) + " is negative");
            }
        }
        return shape.clone();
    }

    /**
     * The NumPy/PyTorch broadcast of two shapes: dimensions aligned from the right, each pair equal
     * or one of them 1.
     */
    public static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and "
                        + Arrays.toString(b) + " cannot be broadcast: dimension " + i + " is "
                        + da + " vs " + db);
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Resolves a possibly negative axis against a rank, naming the argument on error. */
    public static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return a;
    }

    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
