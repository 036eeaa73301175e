package dev.lathe.engine.optim;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer over named parameters: {@link #step()} updates every parameter that has a
 * gradient from that gradient and the parameter's state (moment buffers), as {@code torch.optim} does;
 * parameters whose gradient is null are skipped and their state is left untouched.
 *
 * <p>Parameters are identified by name, in the order of the map they were given in, so state can be
 * {@linkplain #saveState(OutputStream) saved} and loaded into a fresh optimizer over the same model
 * (see {@link OptimizerState} for the format). The learning rate is settable before every step so a
 * {@link Schedule} can drive it; {@link #stepCount()} is the schedule's position.
 *
 * <p>State buffers live on the Java heap (or in a GC-managed arena when too large for an array), never
 * in a bound {@link dev.lathe.engine.tensor.TensorArena}: a training step's arena is closed after the
 * step, and the moments must outlive it.
 */
public abstract sealed class Optimizer permits AdamW, Sgd {
    /** One named parameter. */
    record Param(String name, Tensor tensor) {}

    /** What the optimizer remembers about one parameter; {@code buffers} is null until its first update. */
    static final class ParamState {
        long steps;
        Tensor[] buffers;
    }

    private final List<Param> params;
    private final Map<String, ParamState> state = new LinkedHashMap<>();
    private double lr;
    private long stepCount;

    Optimizer(Map<String, Tensor> parameters, double lr) {
        if (parameters == null || parameters.isEmpty()) {
            throw new IllegalArgumentException("an optimizer needs at least one parameter, got none");
        }
        List<Param> list = new ArrayList<>(parameters.size());
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || t == null) {
                throw new IllegalArgumentException("parameter names and tensors must not be null (name " + name + ")");
            }
            if (t.dtype() != DType.F32 || !t.requiresGrad()) {
                throw new IllegalArgumentException("parameter '" + name + "' must be an F32 tensor that requires a"
                        + " gradient, got " + t.dtype() + (t.requiresGrad() ? "" : " without requiresGrad"));
            }
            if (!t.isContiguous()) {
                throw new IllegalArgumentException("parameter '" + name + "' of shape " + Arrays.toString(t.shape())
                        + " is a non-contiguous view; optimizers update contiguous tensors in place");
            }
            list.add(new Param(name, t));
            state.put(name, new ParamState());
        }
        this.params = List.copyOf(list);
        setLr(lr);
    }

    /** Updates every parameter that has a gradient, then counts the step. Records no graph. */
    public final void step() {
        step(1f);
    }

    /**
     * As {@link #step()}, with every gradient element first multiplied by {@code gradScale}: the same
     * update, to the bit, as scaling the gradients in place and then stepping, but without writing
     * them (gradient clipping passes {@link GradClip.Clip#scale()} here instead of rewriting every
     * gradient). The stored gradients are left unscaled.
     */
    public final void step(float gradScale) {
        if (!(gradScale >= 0) || !Float.isFinite(gradScale)) {
            throw new IllegalArgumentException("gradScale must be a finite number >= 0, got " + gradScale);
        }
        Autograd.noGrad(() -> {
            for (Param p : params) {
                Tensor grad = p.tensor().grad();
                if (grad == null) {
                    continue;
                }
                Tensor g = grad.isContiguous() ? grad : grad.copyContiguous();
                ParamState s = state.get(p.name());
                boolean first = s.buffers == null;
                if (first) {
                    s.buffers = newBuffers(p.tensor().shape());
                }
                s.steps++;
                update(p.tensor(), g, gradScale, s, first);
            }
        });
        stepCount++;
    }

    /** The buffers a parameter's state holds, created at its first update (possibly none). */
    abstract Tensor[] newBuffers(int[] shape);

    /**
     * Updates one parameter in place with {@code gradScale * grad}; {@code s.steps} already counts this
     * update.
     */
    abstract void update(Tensor param, Tensor grad, float gradScale, ParamState s, boolean firstUpdate);

    /** The optimizer's name in saved state, e.g. {@code "AdamW"}. */
    abstract String kind();

    /** The names of the state buffers, in the order {@link #newBuffers} creates them. */
    abstract List<String> bufferNames();

    /** Clears every parameter's gradient (sets it to null, as PyTorch's {@code set_to_none=True}). */
    public void zeroGrad() {
        for (Param p : params) {
            p.tensor().zeroGrad();
        }
    }

    /** The learning rate the next {@link #step()} uses. */
    public double lr() {
        return lr;
    }

    /** Sets the learning rate for the following steps (schedules call this before each step). */
    public void setLr(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
        this.lr = lr;
    }

    /** Steps taken since construction (or as loaded): the position of a {@link Schedule}. */
    public long stepCount() {
        return stepCount;
    }

    /** The parameters, by name, in update order. */
    public Map<String, Tensor> parameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Param p : params) {
            out.put(p.name(), p.tensor());
        }
        return Collections.unmodifiableMap(out);
    }

    /** How many times parameter {@code name} has been updated (steps where it had a gradient). */
    public long parameterSteps(String name) {
        return stateOf(name).steps;
    }

    /**
     * A state buffer of a parameter (e.g. {@code "exp_avg"}), or null before its first update. The
     * tensor is the live buffer: read it, do not write it.
     */
    public Tensor buffer(String name, String buffer) {
        int at = bufferNames().indexOf(buffer);
        if (at < 0) {
            throw new IllegalArgumentException(kind() + " has no state buffer '" + buffer + "'; it has "
                    + bufferNames());
        }
        ParamState s = stateOf(name);
        return s.buffers == null ? null : s.buffers[at];
    }

    /** Writes the step count and every parameter's state to {@code out} (see {@link OptimizerState}). */
    public void saveState(OutputStream out) throws IOException {
        OptimizerState.write(this, out);
    }

    /** Writes the state to a file, replacing it only once it is completely written. */
    public void saveState(Path file) throws IOException {
        OptimizerState.write(this, file);
    }

    /**
     * Replaces the step count and all state with what {@link #saveState} wrote. Fails, changing
     * nothing, on a corrupt or truncated stream (IOException) or on state saved by another kind of
     * optimizer or for other parameter names or shapes (IllegalArgumentException).
     */
    public void loadState(InputStream in) throws IOException {
        OptimizerState.read(this, in);
    }

    public void loadState(Path file) throws IOException {
        OptimizerState.read(this, file);
    }

    // ---- for OptimizerState ----

    List<Param> params() {
        return params;
    }

    ParamState stateOf(String name) {
        ParamState s = state.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'; parameters are " + state.keySet());
        }
        return s;
    }

    void restore(long steps, Map<String, ParamState> loaded) {
        state.putAll(loaded);
        stepCount = steps;
    }

    /** A zeroed F32 tensor outside any bound arena: optimizer state must outlive a step's arena. */
    static Tensor stateTensor(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        MemorySegment seg = n <= Integer.MAX_VALUE - 8
                ? MemorySegment.ofArray(new float[(int) n])
                : Arena.ofAuto().allocate(n * Float.BYTES, 64);
        return Tensor.wrap(seg, DType.F32, shape);
    }
}
