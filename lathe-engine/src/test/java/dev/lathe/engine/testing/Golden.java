package dev.lathe.engine.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Golden vectors written by {@code tools/reference/*.py} with PyTorch, read from test resources
 * under {@code /golden/}. See {@code tools/reference/golden.py} for the format.
 */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {}

    /** One golden case: named tensors and scalar parameters. */
    public record Case(String name, JsonNode params, JsonNode tensors) {
        public Tensor tensor(String key) {
            JsonNode t = tensors.get(key);
            if (t == null) {
                throw new IllegalArgumentException("golden case " + name + " has no tensor '" + key + "'");
            }
            int[] shape = new int[t.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = t.get("shape").get(i).asInt();
            }
            JsonNode data = t.get("data");
            float[] values = new float[data.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) data.get(i).asDouble();
            }
            return Tensor.of(values, shape);
        }

        public boolean has(String key) {
            return tensors.has(key);
        }

        public double param(String key) {
            return required(key).asDouble();
        }

        public int intParam(String key) {
            return required(key).asInt();
        }

        public String stringParam(String key) {
            return required(key).asText();
        }

        public boolean boolParam(String key) {
            return required(key).asBoolean();
        }

        public JsonNode required(String key) {
            JsonNode v = params.get(key);
            if (v == null) {
                throw new IllegalArgumentException("golden case " + name + " has no parameter '" + key + "'");
            }
            return v;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The cases of {@code /golden/<file>}. */
    public static List<Case> load(String file) {
        String path = "/golden/" + file;
        try (InputStream in = Golden.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path
                        + "; regenerate it with tools/reference (see tools/reference/README.md)");
            }
            JsonNode root = JSON.readTree(in);
            List<Case> cases = new ArrayList<>();
            for (JsonNode c : root.get("cases")) {
                cases.add(new Case(c.get("name").asText(), c.get("params"), c.get("tensors")));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asserts {@code |actual - expected| <= rtol * max(1, |expected|)} element-wise; the message names
     * what was compared, the worst element and the tolerance. Returns that worst difference.
     */
    public static double assertClose(String what, Tensor actual, Tensor expected, double rtol) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new AssertionError(what + ": shape " + Arrays.toString(actual.shape()) + " but expected "
                    + Arrays.toString(expected.shape()));
        }
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < a.length; i++) {
            double err = Math.abs((double) a[i] - e[i]) / Math.max(1.0, Math.abs(e[i]));
            if (!(err <= worst)) { // NaN-safe: a NaN error always becomes the worst
                worst = err;
                worstAt = i;
            }
        }
        if (!(worst <= rtol)) {
            throw new AssertionError(String.format("%s: max relative difference %.3g at element %d (actual %s, "
                    + "expected %s) exceeds tolerance %.1g", what, worst, worstAt, a[worstAt], e[worstAt], rtol));
        }
        return worst;
    }

    /** The statistic {@link #assertClose} bounds: max |actual - expected| / max(1, |expected|), no assertion. */
    public static double maxRelativeDifference(Tensor actual, Tensor expected) {
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs((double) a[i] - e[i]) / Math.max(1.0, Math.abs(e[i])));
        }
        return worst;
    }
}
