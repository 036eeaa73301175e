package dev.lathe.models.family;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.format.Weights;
import java.util.Map;

/**
 * Where a model's weights come from, by their Hugging Face names ({@code model.layers.0.mlp.up_proj.weight}):
 * a safetensors file, a GGUF file renamed to HF names, or tensors in memory. Tensors may be F32, F16 or
 * BF16 and are used in place (a memory-mapped weight is never copied for a matrix product).
 */
public interface WeightSource {
    /** The tensor stored under {@code hfName}; fails with a message naming it when absent. */
    Tensor tensor(String hfName);

    /** Whether a tensor is stored under {@code hfName}. */
    boolean has(String hfName);

    /** What to call this source in error messages (usually the file path). */
    default String description() {
        return "weights";
    }

    /** Tensors held in a map (tests, converted models). */
    static WeightSource of(Map<String, Tensor> tensors, String description) {
        Map<String, Tensor> copy = Map.copyOf(tensors);
        return new WeightSource() {
            @Override
            public Tensor tensor(String hfName) {
                Tensor t = copy.get(hfName);
                if (t == null) {
                    throw new IllegalArgumentException(description + ": no tensor named \"" + hfName + "\"");
                }
                return t;
            }

            @Override
            public boolean has(String hfName) {
                return copy.containsKey(hfName);
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /** A checkpoint opened with {@link Weights#open} (safetensors, single or sharded); tensors stay mapped. */
    static WeightSource of(Weights weights) {
        return new WeightSource() {
            @Override
            public Tensor tensor(String hfName) {
                return weights.tensor(hfName);
            }

            @Override
            public boolean has(String hfName) {
                return weights.contains(hfName);
            }

            @Override
            public String description() {
                return weights.toString();
            }
        };
    }
}
