package dev.lathe.engine.autograd;

import dev.lathe.engine.tensor.Tensor;
import java.util.List;

/**
 * One recorded op in the autograd graph: its inputs and the function that, given the gradient of
 * its output, accumulates gradients into those inputs that require them. Nodes are created only by
 * {@link Autograd#record}; backward clears them so saved activations can be freed.
 */
public final class Node {
    private final String op;
    private Tensor[] inputs;
    private Tensor output;
    private BackwardFn backward;

    Node(String op, Tensor output, BackwardFn backward, Tensor[] inputs) {
        this.op = op;
        this.output = output;
        this.backward = backward;
        this.inputs = inputs;
    }

    /** The op's name, for error messages and debugging. */
    public String op() {
        return op;
    }

    List<Tensor> inputs() {
        return inputs == null ? List.of() : List.of(inputs);
    }

    Tensor output() {
        requireLive();
        return output;
    }

    void runBackward(Tensor dOut) {
        requireLive();
        backward.backward(dOut);
    }

    private void requireLive() {
        if (backward == null) {
            throw new IllegalStateException("the graph through " + op + " was already freed by an earlier "
                    + "backward(); run the forward pass again");
        }
    }

    /** Drops the references to inputs, output and saved tensors so the memory can be reclaimed. */
    void release() {
        inputs = null;
        output = null;
        backward = null;
    }

    /** Given dOut, adds each input's gradient into {@code input.gradBuffer()} (for inputs that require it). */
    @FunctionalInterface
    public interface BackwardFn {
        void backward(Tensor dOut);
    }
}
