package dev.lathe.engine.op;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Parity with PyTorch 1.13 on the cases of {@code golden/elementwise.json} (written by
 * tools/reference/ops_elementwise.py): forward output and the gradient of every input for
 * loss = sum(out * R), at relative tolerance 1e-5.
 */
class ElementwiseGoldenTest {
    private static final double RTOL = 1e-5;
    private static final double[] WORST = new double[2]; // forward, gradients (relative, as Golden measures)

    @AfterAll
    static void reportWorstDifferences() {
        System.out.printf("elementwise golden: max relative difference forward %.3g, gradients %.3g%n",
                WORST[0], WORST[1]);
    }

    @TestFactory
    Stream<DynamicTest> everyGoldenCaseMatchesPyTorchForwardAndBackward() {
        List<Golden.Case> cases = Golden.load("elementwise.json").stream()
                .filter(c -> !c.stringParam("op").equals("erf")).toList();
        assertThat(cases).hasSizeGreaterThan(40);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(Golden.Case c) {
        String op = c.stringParam("op");
        List<String> names = new ArrayList<>();
        Function<Tensor[], Tensor> f = switch (op) {
            case "add", "sub", "mul", "div" -> {
                names.addAll(List.of("a", "b"));
                yield in -> switch (op) {
                    case "add" -> Arithmetic.add(in[0], in[1]);
                    case "sub" -> Arithmetic.sub(in[0], in[1]);
                    case "mul" -> Arithmetic.mul(in[0], in[1]);
                    default -> Arithmetic.div(in[0], in[1]);
                };
            }
            case "sum", "mean" -> {
                names.add("x");
                JsonNode axes = c.required("axes");
                boolean keep = c.boolParam("keepDim");
                boolean mean = op.equals("mean");
                if (axes.isNull()) {
                    yield in -> mean ? Reductions.mean(in[0]) : Reductions.sum(in[0]);
                }
                int[] ax = new int[axes.size()];
                for (int i = 0; i < ax.length; i++) {
                    ax[i] = axes.get(i).asInt();
                }
                yield in -> mean ? Reductions.mean(in[0], ax, keep) : Reductions.sum(in[0], ax, keep);
            }
            case "silu" -> {
                names.add("x");
                yield in -> Activations.silu(in[0]);
            }
            case "gelu" -> {
                names.add("x");
                yield in -> Activations.gelu(in[0]);
            }
            case "geluTanh" -> {
                names.add("x");
                yield in -> Activations.gelu(in[0], true);
            }
            case "swiglu" -> {
                names.addAll(List.of("gate", "up"));
                yield in -> Activations.swiglu(in[0], in[1]);
            }
            case "embedding" -> {
                names.add("weight");
                int[] ids = ints(c.required("ids"));
                int[] shape = ints(c.required("idsShape"));
                yield in -> Embedding.lookup(in[0], ids, shape);
            }
            default -> throw new AssertionError("unknown op in golden file: " + op);
        };
        Tensor[] inputs = names.stream().map(n -> c.tensor(n).requiresGrad(true)).toArray(Tensor[]::new);
        Tensor out = f.apply(inputs);
        Golden.assertClose(c.name() + " forward", out, c.tensor("out"), RTOL);
        track(0, out, c.tensor("out"));
        Autograd.backward(out, c.tensor("R"));
        for (int i = 0; i < inputs.length; i++) {
            Golden.assertClose(c.name() + " d" + names.get(i), inputs[i].grad(), c.tensor("d" + names.get(i)), RTOL);
            track(1, inputs[i].grad(), c.tensor("d" + names.get(i)));
        }
    }

    private static synchronized void track(int slot, Tensor actual, Tensor expected) {
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            WORST[slot] = Math.max(WORST[slot], Math.abs((double) a[i] - e[i]) / Math.max(1.0, Math.abs(e[i])));
        }
    }

    private static int[] ints(JsonNode node) {
        int[] v = new int[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asInt();
        }
        return v;
    }
}
