package dev.lathe.engine.optim;

import dev.lathe.engine.kernel.OptimKernels;
import dev.lathe.engine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), step for step as {@code torch.optim.AdamW}
 * without amsgrad: per parameter, with its own step count t,
 * <pre>
 *   p = p * (1 - lr * wd)
 *   m = b1 * m + (1 - b1) * g          v = b2 * v + (1 - b2) * g * g
 *   p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * </pre>
 * The per-step scalars are computed in double and rounded to F32 where PyTorch rounds them; the
 * element loop is the fused {@link OptimKernels#adamwUpdate} kernel. State buffers are
 * {@code "exp_avg"} (m) and {@code "exp_avg_sq"} (v), named as in PyTorch's state dict.
 */
public final class AdamW extends Optimizer {
    private static final List<String> BUFFERS = List.of("exp_avg", "exp_avg_sq");

    /**
     * AdamW hyperparameters; {@link #defaults()} are PyTorch's. The learning rate here is the initial
     * one: the optimizer's {@link #setLr} changes it afterwards.
     */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Config {
            check(lr >= 0 && lr < Double.POSITIVE_INFINITY, "lr", lr, "finite and >= 0");
            check(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)");
            check(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)");
            check(eps >= 0 && eps < Double.POSITIVE_INFINITY, "eps", eps, "finite and >= 0");
            check(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY, "weightDecay", weightDecay,
                    "finite and >= 0");
        }

        /** lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 1e-2, as {@code torch.optim.AdamW}. */
        public static Config defaults() {
            return new Config(1e-3, 0.9, 0.999, 1e-8, 1e-2);
        }

        public Config withLr(double value) {
            return new Config(value, beta1, beta2, eps, weightDecay);
        }

        public Config withBetas(double b1, double b2) {
            return new Config(lr, b1, b2, eps, weightDecay);
        }

        public Config withEps(double value) {
            return new Config(lr, beta1, beta2, value, weightDecay);
        }

        public Config withWeightDecay(double value) {
            return new Config(lr, beta1, beta2, eps, value);
        }

        private static void check(boolean ok, String name, double value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException("AdamW " + name + " must be " + expected + ", got " + value);
            }
        }
    }

    private final Config config;

    public AdamW(Map<String, Tensor> parameters, Config config) {
        super(parameters, config.lr());
        this.config = config;
    }

    /** AdamW with PyTorch's default hyperparameters. */
    public AdamW(Map<String, Tensor> parameters) {
        this(parameters, Config.defaults());
    }

    public Config config() {
        return config;
    }

    @Override
    Tensor[] newBuffers(int[] shape) {
        return new Tensor[] {stateTensor(shape), stateTensor(shape)};
    }

    @Override
    void update(Tensor param, Tensor grad, float gradScale, ParamState s, boolean firstUpdate) {
        double lr = lr();
        double t = s.steps;
        // As torch: Python doubles, rounded to F32 when they meet the tensors.
        double bc1 = 1 - Math.pow(config.beta1(), t);
        double bc2 = 1 - Math.pow(config.beta2(), t);
        var k = new OptimKernels.AdamWScalars(
                (float) (1 - lr * config.weightDecay()),
                (float) config.beta1(), (float) (1 - config.beta1()),
                (float) config.beta2(), (float) (1 - config.beta2()),
                (float) Math.sqrt(bc2), (float) config.eps(), (float) -(lr / bc1), gradScale);
        OptimKernels.adamwUpdate(param.data(), grad.data(), s.buffers[0].data(), s.buffers[1].data(),
                param.numel(), k);
    }

    @Override
    String kind() {
        return "AdamW";
    }

    @Override
    List<String> bufferNames() {
        return BUFFERS;
    }
}
