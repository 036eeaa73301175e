package dev.lathe.engine.tensor;

import dev.lathe.engine.autograd.Node;
import dev.lathe.engine.kernel.Convert;
import dev.lathe.engine.kernel.Strided;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * An n-dimensional array: a {@link MemorySegment} (heap, arena or memory-mapped file) seen through a
 * shape, strides and an offset, all in elements. Views (reshape, transpose, slice) share the
 * segment; {@link #contiguous()} copies only when the layout requires it.
 *
 * <p>Computation is F32. F16 and BF16 tensors are storage (weights as shipped) and are converted with
 * {@link #to(DType)}.
 *
 * <p>A tensor also carries its autograd state: whether it {@linkplain #requiresGrad() requires a
 * gradient}, its accumulated {@linkplain #grad() gradient}, and the {@link Node} that produced it.
 * Ops in {@code dev.lathe.engine.op} build the graph through {@link dev.lathe.engine.autograd.Autograd}.
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment storage;
    private final DType dtype;
    private final int[] shape;
    private final long[] strides; // elements
    private final long offset;    // elements

    private boolean requiresGrad;
    private Tensor grad;
    private Tensor spareGrad; // a leaf's last gradient buffer, cleared and reused by the next gradBuffer()
    private boolean gradOwned; // grad was made by gradBuffer() (not handed in through setGrad)
    private Node gradFn;

    private Tensor(MemorySegment storage, DType dtype, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---- creation ----

    /** A new zero-filled F32 tensor, in the bound {@link TensorArena} or on the heap. */
    public static Tensor zeros(int... shape) {
        return empty(DType.F32, shape);
    }

    /** A new zero-filled tensor of the given type. */
    public static Tensor empty(DType dtype, int... shape) {
        int[] s = Shapes.checked(shape);
        return new Tensor(TensorArena.allocate(dtype, Shapes.numel(s)), dtype, s,
                Shapes.contiguousStrides(s), 0);
    }

    /**
     * A new F32 tensor for a kernel that writes every element before anything reads one (a matrix
     * product's output): in a pooled {@link TensorArena} its memory is not cleared first, so its
     * contents are undefined until written; elsewhere it is zero-filled like {@link #zeros}.
     */
    public static Tensor forOverwrite(int... shape) {
        int[] s = Shapes.checked(shape);
        return new Tensor(TensorArena.allocate(DType.F32, Shapes.numel(s), false), DType.F32, s,
                Shapes.contiguousStrides(s), 0);
    }

    /** A new F32 tensor holding a copy of {@code values}, which must have exactly numel(shape) elements. */
    public static Tensor of(float[] values, int... shape) {
        int[] s = Shapes.checked(shape);
        if (values.length != Shapes.numel(s)) {
            throw new IllegalArgumentException(values.length + " values do not fill shape "
                    + Arrays.toString(s) + " (" + Shapes.numel(s) + " elements)");
        }
        Tensor t = zeros(s);
        MemorySegment.copy(values, 0, t.storage, F32, 0, values.length);
        return t;
    }

    /** A scalar (rank 0) F32 tensor. */
    public static Tensor scalar(float value) {
        return of(new float[] {value});
    }

    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Convert.fill(t.storage, t.numel(), value);
        return t;
    }

    /** Standard normal values from a seeded generator (reproducible across runs and threads). */
    public static Tensor randn(long seed, int... shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    public static Tensor randn(SplittableRandom random, int... shape) {
        Tensor t = zeros(shape);
        long n = t.numel();
        for (long i = 0; i < n; i += 2) {
            // Box-Muller: two normals per pair of uniforms.
            double u1 = 1.0 - random.nextDouble(); // (0, 1]
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            t.storage.setAtIndex(F32, i, (float) (r * Math.cos(2 * Math.PI * u2)));
            if (i + 1 < n) {
                t.storage.setAtIndex(F32, i + 1, (float) (r * Math.sin(2 * Math.PI * u2)));
            }
        }
        return t;
    }

    /** Uniform values in [lo, hi) from a seeded generator. */
    public static Tensor uniform(long seed, float lo, float hi, int... shape) {
        SplittableRandom random = new SplittableRandom(seed);
        Tensor t = zeros(shape);
        for (long i = 0; i < t.numel(); i++) {
            t.storage.setAtIndex(F32, i, (float) (lo + (hi - lo) * random.nextDouble()));
        }
        return t;
    }

    /**
     * Wraps existing memory (for example a memory-mapped weight file) without copying.
     * The segment must hold at least numel(shape) elements of {@code dtype}.
     */
    public static Tensor wrap(MemorySegment segment, DType dtype, int... shape) {
        int[] s = Shapes.checked(shape);
        long bytes = Shapes.numel(s) * dtype.byteSize();
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + dtype + " " + Arrays.toString(s) + " (" + bytes + " bytes)");
        }
        return new Tensor(segment, dtype, s, Shapes.contiguousStrides(s), 0);
    }

    /** A view of this tensor's storage with another layout; no autograd (ops in {@code op.Views} add it). */
    public Tensor view(int[] newShape, long[] newStrides, long newOffset) {
        return new Tensor(storage, dtype, newShape.clone(), newStrides.clone(), newOffset);
    }

    // ---- layout ----

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[Shapes.axis(axis, shape.length)];
    }

    public long[] strides() {
        return strides.clone();
    }

    public long stride(int axis) {
        return strides[Shapes.axis(axis, shape.length)];
    }

    public long offset() {
        return offset;
    }

    public long numel() {
        return Shapes.numel(shape);
    }

    public DType dtype() {
        return dtype;
    }

    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /** The whole underlying storage (views share it); kernels address it with {@link #offset()} and strides. */
    public MemorySegment storage() {
        return storage;
    }

    /**
     * The elements of a contiguous tensor as a segment starting at element 0: what kernels take.
     * Fails on a non-contiguous view; call {@link dev.lathe.engine.op.Views#contiguous} first.
     */
    public MemorySegment data() {
        if (!isContiguous()) {
            throw new IllegalStateException("tensor of shape " + Arrays.toString(shape) + " with strides "
                    + Arrays.toString(strides) + " is not contiguous; make it contiguous first");
        }
        return storage.asSlice(offset * dtype.byteSize(), numel() * dtype.byteSize());
    }

    /** A contiguous copy of this tensor's elements (no autograd: see {@code Views.contiguous}). */
    public Tensor copyContiguous() {
        Tensor out = empty(dtype, shape);
        Strided.copy(this, out);
        return out;
    }

    /** This tensor converted to another element type (a new contiguous tensor; no autograd). */
    public Tensor to(DType target) {
        Tensor src = isContiguous() ? this : copyContiguous();
        Tensor out = empty(target, shape);
        Convert.convert(src.data(), dtype, out.data(), target, numel());
        return out;
    }

    // ---- element access (tests, tools, small setup code; kernels use segments) ----

    private long index(int... idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException(idx.length + " indices for a tensor of rank " + shape.length);
        }
        long at = offset;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + idx[i] + " out of range for dimension " + i
                        + " of size " + shape[i]);
            }
            at += idx[i] * strides[i];
        }
        return at;
    }

    public float get(int... idx) {
        return Convert.load(storage, dtype, index(idx));
    }

    public void set(float value, int... idx) {
        Convert.store(storage, dtype, index(idx), value);
    }

    /** The single value of a one-element tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, shape is " + Arrays.toString(shape));
        }
        return Convert.load(storage, dtype, offset);
    }

    /** All elements in row-major order, as F32. */
    public float[] toFloatArray() {
        Tensor c = (isContiguous() && dtype == DType.F32) ? this : to(DType.F32);
        return c.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
    }

    // ---- autograd state ----

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor (a parameter) as needing a gradient. Returns this tensor. */
    public Tensor requiresGrad(boolean value) {
        if (gradFn != null && !value) {
            throw new IllegalStateException("cannot clear requiresGrad on a tensor produced by " + gradFn.op()
                    + "; detach() it instead");
        }
        if (value && dtype != DType.F32) {
            throw new IllegalStateException("only F32 tensors can require gradients, this one is " + dtype);
        }
        this.requiresGrad = value;
        return this;
    }

    /** The accumulated gradient, or null if none has flowed here since the last {@link #zeroGrad()}. */
    public Tensor grad() {
        return grad;
    }

    /**
     * The gradient buffer to accumulate into, created zero-filled (contiguous, F32, this shape) on
     * first use. Backward functions add into it. A leaf's gradient (a parameter's) is allocated
     * outside any bound {@link TensorArena}: it must outlive the step whose arena produced it.
     */
    public Tensor gradBuffer() {
        if (grad == null) {
            if (!isLeaf()) {
                grad = zeros(shape);
            } else if (spareGrad != null) {
                // A training loop clears the same parameters' gradients every step: reusing the buffer
                // saves allocating and faulting in the model's size in memory each time.
                spareGrad.storage.fill((byte) 0);
                grad = spareGrad;
                spareGrad = null;
                gradOwned = true;
            } else {
                grad = new Tensor(TensorArena.allocateUnscoped(DType.F32, numel()), DType.F32, shape.clone(),
                        Shapes.contiguousStrides(shape), 0);
                gradOwned = true;
            }
        }
        return grad;
    }

    /** Whether a gradient has flowed here since the last {@link #zeroGrad()} (a gradient buffer exists). */
    public boolean hasGrad() {
        return grad != null;
    }

    /**
     * The gradient buffer for a backward function that writes every element of it, for the first
     * gradient to reach this tensor ({@link #hasGrad()} false): like {@link #gradBuffer()} but not
     * zero-filled first where that can be skipped (a pooled arena's block, a parameter's reused
     * buffer), so its contents are undefined until the caller has written all of them. Callers use
     * it as {@code hasGrad() ? gradBuffer() (add into) : gradBufferForOverwrite() (write)}.
     *
     * @throws IllegalStateException if a gradient has already flowed here (it must be added to)
     */
    public Tensor gradBufferForOverwrite() {
        if (grad != null) {
            throw new IllegalStateException("this tensor already holds a gradient; add into gradBuffer() instead of "
                    + "overwriting it");
        }
        if (!isLeaf()) {
            grad = forOverwrite(shape);
        } else if (spareGrad != null) {
            grad = spareGrad;
            spareGrad = null;
            gradOwned = true;
        } else {
            return gradBuffer();
        }
        return grad;
    }

    /** Replaces the gradient (optimizers and checkpoint loading; null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !Arrays.equals(g.shape, shape)) {
            throw new IllegalArgumentException("gradient shape " + Arrays.toString(g.shape)
                    + " does not match tensor shape " + Arrays.toString(shape));
        }
        this.grad = g;
        gradOwned = false;
    }

    public void zeroGrad() {
        if (grad != null && gradOwned && isLeaf()) {
            spareGrad = grad;
        }
        this.grad = null;
        gradOwned = false;
    }

    /** The node that produced this tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** Called by {@link dev.lathe.engine.autograd.Autograd} only. */
    public void attachGradFn(Node node) {
        this.gradFn = node;
        this.requiresGrad = node != null || requiresGrad;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The same data, cut from the graph: a leaf that does not require a gradient. */
    public Tensor detach() {
        return new Tensor(storage, dtype, shape, strides, offset);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype).append(' ').append(Arrays.toString(shape));
        if (numel() <= 16) {
            sb.append(' ').append(Arrays.toString(toFloatArray()));
        }
        if (gradFn != null) {
            sb.append(", gradFn=").append(gradFn.op());
        } else if (requiresGrad) {
            sb.append(", requiresGrad");
        }
        return sb.append(')').toString();
    }
}
