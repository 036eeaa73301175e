package dev.lathe.engine.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays the optimizer cases of golden/optim.json (written by tools/reference/optim.py): feeds the
 * saved gradient sequence to a Lathe optimizer and compares the parameters after every step with
 * PyTorch's, recording the worst relative difference seen for the report.
 */
final class OptimGolden {
    static final double RTOL = 1e-5;
    private static final List<Golden.Case> CASES = Golden.load("optim.json");

    private OptimGolden() {}

    static List<Golden.Case> cases(String prefix) {
        List<Golden.Case> out = new ArrayList<>();
        for (Golden.Case c : CASES) {
            if (c.name().startsWith(prefix)) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no golden cases named " + prefix + "*");
        }
        return out;
    }

    static List<String> names(Golden.Case c) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : c.required("names")) {
            out.add(n.asText());
        }
        return out;
    }

    /** The case's initial parameters, in its order, as fresh leaf tensors. */
    static Map<String, Tensor> initialParameters(Golden.Case c) {
        Map<String, Tensor> params = new LinkedHashMap<>();
        for (String n : names(c)) {
            params.put(n, c.tensor("init/" + n).requiresGrad(true));
        }
        return params;
    }

    static Optimizer optimizer(Golden.Case c, Map<String, Tensor> params) {
        return switch (c.stringParam("kind")) {
            case "adamw" -> new AdamW(params, new AdamW.Config(c.param("lr"), c.param("beta1"), c.param("beta2"),
                    c.param("eps"), c.param("weight_decay")));
            case "sgd" -> new Sgd(params, new Sgd.Config(c.param("lr"), c.param("momentum"), c.param("dampening"),
                    c.param("weight_decay"), c.boolParam("nesterov")));
            default -> throw new IllegalArgumentException(c.stringParam("kind"));
        };
    }

    /** The case's schedule, or null when the learning rate is constant. */
    static Schedule schedule(Golden.Case c) {
        if (!c.params().has("schedule")) {
            return null;
        }
        return switch (c.stringParam("schedule")) {
            case "constant" -> new Schedule.Constant();
            case "constant_warmup" -> new Schedule.ConstantWithWarmup(c.intParam("warmup"));
            case "linear_warmup" -> new Schedule.LinearWithWarmup(c.intParam("warmup"), c.intParam("total"));
            case "cosine_warmup" -> new Schedule.CosineWithWarmup(c.intParam("warmup"), c.intParam("total"),
                    c.param("num_cycles"), c.param("min_lr_rate"));
            default -> throw new IllegalArgumentException(c.stringParam("schedule"));
        };
    }

    /** Sets each parameter's gradient for step {@code s} (null where PyTorch had none). */
    static void feedGradients(Golden.Case c, Map<String, Tensor> params, int s) {
        for (var e : params.entrySet()) {
            String key = "grad/" + s + "/" + e.getKey();
            e.getValue().setGrad(c.has(key) ? c.tensor(key) : null);
        }
    }

    /**
     * Runs the whole case, asserting every parameter after every step; returns the worst relative
     * difference and the optimizer for further checks.
     */
    static Result replay(Golden.Case c) {
        Map<String, Tensor> params = initialParameters(c);
        Optimizer opt = optimizer(c, params);
        Schedule schedule = schedule(c);
        double baseLr = c.param("lr");
        double worst = 0;
        for (int s = 0; s < c.intParam("steps"); s++) {
            feedGradients(c, params, s);
            if (schedule != null) {
                schedule.apply(opt, baseLr);
            }
            opt.step();
            for (var e : params.entrySet()) {
                Tensor expected = c.tensor("param/" + s + "/" + e.getKey());
                Golden.assertClose(c + " step " + s + " " + e.getKey(), e.getValue(), expected, RTOL);
                worst = Math.max(worst, Golden.maxRelativeDifference(e.getValue(), expected));
            }
        }
        return new Result(opt, params, worst);
    }

    record Result(Optimizer optimizer, Map<String, Tensor> params, double worst) {}
}
