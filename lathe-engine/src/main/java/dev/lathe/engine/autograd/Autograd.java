package dev.lathe.engine.autograd;

import dev.lathe.engine.kernel.Elementwise;
import dev.lathe.engine.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reverse-mode automatic differentiation. Ops {@linkplain #record record} a {@link Node} on their
 * output when gradients are enabled and an input requires one; {@link #backward} orders the nodes
 * reachable from the loss (the tape) and runs them in reverse, then frees them.
 *
 * <p>Leaf gradients accumulate across backward calls (gradient accumulation) until
 * {@link Tensor#zeroGrad()}; gradients of intermediate tensors are dropped as soon as they have
 * been propagated. In {@link #noGrad} nothing is recorded, so inference allocates nothing for the
 * tape.
 */
public final class Autograd {
    private static final ScopedValue<Boolean> GRAD_DISABLED = ScopedValue.newInstance();

    private Autograd() {}

    /** Whether ops record the graph on this thread right now. */
    public static boolean isGradEnabled() {
        return !GRAD_DISABLED.isBound() || !GRAD_DISABLED.get();
    }

    /** Runs {@code body} without recording any graph (inference, optimizer updates, evaluation). */
    public static <T> T noGrad(Supplier<T> body) {
        return ScopedValue.where(GRAD_DISABLED, true).call(body::get);
    }

    public static void noGrad(Runnable body) {
        ScopedValue.where(GRAD_DISABLED, true).run(body);
    }

    /** Whether an op with these inputs must record a node. */
    public static boolean needsGrad(Tensor... inputs) {
        if (!isGradEnabled()) {
            return false;
        }
        for (Tensor t : inputs) {
            if (t != null && t.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records that {@code output} was computed from {@code inputs} by {@code op}. Does nothing (and
     * allocates nothing) when gradients are disabled or no input requires one. Returns {@code output}.
     */
    public static Tensor record(Tensor output, String op, Node.BackwardFn backward, Tensor... inputs) {
        if (needsGrad(inputs)) {
            output.attachGradFn(new Node(op, output, backward, inputs.clone()));
        }
        return output;
    }

    /** Backpropagates from a one-element loss (its gradient seeded with 1). */
    public static void backward(Tensor loss) {
        if (loss.numel() != 1) {
            throw new IllegalArgumentException("backward(loss) needs a one-element loss, got shape "
                    + Arrays.toString(loss.shape()) + "; pass an explicit output gradient instead");
        }
        backward(loss, Tensor.full(1f, loss.shape()));
    }

    /** Backpropagates from {@code output} with the given gradient of the loss with respect to it. */
    public static void backward(Tensor output, Tensor dOutput) {
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("the output does not require a gradient: no input of the"
                    + " computation requires one, or it ran under noGrad");
        }
        if (!Arrays.equals(output.shape(), dOutput.shape())) {
            throw new IllegalArgumentException("output gradient shape " + Arrays.toString(dOutput.shape())
                    + " does not match output shape " + Arrays.toString(output.shape()));
        }
        if (output.isLeaf()) {
            accumulate(output, dOutput);
            return;
        }
        List<Node> order = topologicalOrder(output.gradFn());
        accumulate(output, dOutput);
        for (int i = order.size() - 1; i >= 0; i--) {
            Node node = order.get(i);
            Tensor out = node.output();
            Tensor dOut = out.grad();
            if (dOut != null) {
                node.runBackward(dOut);
            }
            // Intermediate results keep no gradient, and the node drops what it saved: the memory can go
            // now. A second backward through the released node fails with a clear message.
            out.setGrad(null);
            node.release();
        }
    }

    private static void accumulate(Tensor t, Tensor g) {
        Tensor buf = t.gradBuffer();
        Elementwise.addInto(buf.data(), g.isContiguous() ? g.data() : g.copyContiguous().data(),
                t.numel());
    }

    /** Nodes reachable from {@code root}, each after all nodes it depends on (iterative DFS). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {node, nextInputIndex}
        stack.push(new Object[] {root, 0});
        visited.add(root);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Node node = (Node) frame[0];
            List<Tensor> inputs = node.inputs();
            int next = (Integer) frame[1];
            if (next < inputs.size()) {
                frame[1] = next + 1;
                Node child = inputs.get(next).gradFn();
                if (child != null && visited.add(child)) {
                    stack.push(new Object[] {child, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }
}
