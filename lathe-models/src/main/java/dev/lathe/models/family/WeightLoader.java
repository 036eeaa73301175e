package dev.lathe.models.family;

import dev.lathe.engine.tensor.DType;
import dev.lathe.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * Fetches weights from a {@link WeightSource} by Hugging Face name and checks each one's shape, so a
 * wrong file fails at load with the tensor's name and both shapes rather than producing a wrong model.
 * Vectors (norm weights, biases) are widened to F32 once; matrices stay as stored.
 */
public final class WeightLoader {
    private final WeightSource source;

    public WeightLoader(WeightSource source) {
        this.source = source;
    }

    public boolean has(String name) {
        return source.has(name);
    }

    /** A matrix of exactly (rows, cols), in its stored type. */
    public Tensor matrix(String name, int rows, int cols) {
        Tensor t = fetch(name);
        expect(name, t, rows, cols);
        return t;
    }

    /** A vector of exactly (n), as F32. */
    public Tensor vector(String name, int n) {
        Tensor t = fetch(name);
        expect(name, t, n);
        return t.dtype() == DType.F32 ? t : t.to(DType.F32);
    }

    private Tensor fetch(String name) {
        if (!source.has(name)) {
            throw new IllegalArgumentException(source.description() + ": tensor \"" + name
                    + "\" is missing (the config's architecture needs it)");
        }
        return source.tensor(name);
    }

    private void expect(String name, Tensor t, int... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(source.description() + ": tensor \"" + name + "\" has shape "
                    + Arrays.toString(t.shape()) + " but the config implies " + Arrays.toString(shape));
        }
    }

    public String description() {
        return source.description();
    }
}
