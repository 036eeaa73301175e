package dev.lathe.engine.op;

import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.List;

/**
 * Shared plumbing of the golden tests against {@code golden/nn.json} (tools/reference/ops_nn.py):
 * selects an op's cases, runs the backward with the saved weighting R, and compares at the brief's
 * F32 tolerance, printing the largest difference seen for the record.
 */
final class NnGolden {
    static final double RTOL = 1e-5;

    private NnGolden() {}

    static List<Golden.Case> cases(String op) {
        List<Golden.Case> all = Golden.load("nn.json").stream()
                .filter(c -> c.stringParam("op").equals(op)).toList();
        if (all.isEmpty()) {
            throw new AssertionError("no golden cases for " + op + " in nn.json");
        }
        return all;
    }

    /** Leaf copy of a golden input, marked as requiring a gradient. */
    static Tensor leaf(Golden.Case c, String key) {
        return c.tensor(key).requiresGrad(true);
    }

    /** Backpropagates {@code out} with the case's R (so the gradients are those of sum(out * R)). */
    static void backward(Golden.Case c, Tensor out) {
        Autograd.backward(out, c.tensor("R"));
    }

    /** Asserts closeness and returns the worst relative difference (as Golden measures it). */
    static double compare(Golden.Case c, String what, Tensor actual, Tensor expected) {
        return Golden.assertClose(c.name() + " " + what, actual, expected, RTOL);
    }

    static void report(String op, double worstOut, double worstGrad) {
        System.out.printf("golden %s vs PyTorch: max relative difference forward %.3g, gradients %.3g%n", op,
                worstOut, worstGrad);
    }
}
