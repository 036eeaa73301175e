package dev.lathe.engine.optim;

import dev.lathe.engine.kernel.OptimKernels;
import dev.lathe.engine.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
 * decay, step for step as {@code torch.optim.SGD}:
 * <pre>
 *   d = g + wd * p
 *   buf = (first update) ? d : momentum * buf + (1 - dampening) * d      (when momentum != 0)
 *   d = nesterov ? d + momentum * buf : buf
 *   p = p - lr * d
 * </pre>
 * The momentum buffer ({@code "momentum_buffer"}) exists only when momentum is non-zero; as in
 * PyTorch its first value is the gradient itself, undamped.
 */
public final class Sgd extends Optimizer {
    private static final List<String> MOMENTUM = List.of("momentum_buffer");

    /** SGD hyperparameters; like PyTorch there is no default learning rate. */
    public record Config(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        public Config {
            check(lr >= 0 && lr < Double.POSITIVE_INFINITY, "lr", lr, "finite and >= 0");
            check(momentum >= 0 && momentum < Double.POSITIVE_INFINITY, "momentum", momentum, "finite and >= 0");
            check(dampening >= 0 && dampening <= 1, "dampening", dampening, "in [0, 1]");
            check(weightDecay >= 0 && weightDecay < Double.POSITIVE_INFINITY, "weightDecay", weightDecay,
                    "finite and >= 0");
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD nesterov needs momentum > 0 and dampening 0, got momentum "
                        + momentum + " and dampening " + dampening);
            }
        }

        /** Plain SGD: no momentum, no weight decay. */
        public static Config of(double lr) {
            return new Config(lr, 0, 0, 0, false);
        }

        public Config withMomentum(double value) {
            return new Config(lr, value, dampening, weightDecay, nesterov);
        }

        public Config withDampening(double value) {
            return new Config(lr, momentum, value, weightDecay, nesterov);
        }

        public Config withWeightDecay(double value) {
            return new Config(lr, momentum, dampening, value, nesterov);
        }

        public Config withNesterov(boolean value) {
            return new Config(lr, momentum, dampening, weightDecay, value);
        }

        private static void check(boolean ok, String name, double value, String expected) {
            if (!ok) {
                throw new IllegalArgumentException("SGD " + name + " must be " + expected + ", got " + value);
            }
        }
    }

    private final Config config;

    public Sgd(Map<String, Tensor> parameters, Config config) {
        super(parameters, config.lr());
        this.config = config;
    }

    public Config config() {
        return config;
    }

    @Override
    Tensor[] newBuffers(int[] shape) {
        return config.momentum() != 0 ? new Tensor[] {stateTensor(shape)} : new Tensor[0];
    }

    @Override
    void update(Tensor param, Tensor grad, float gradScale, ParamState s, boolean firstUpdate) {
        boolean hasMomentum = config.momentum() != 0;
        var k = new OptimKernels.SgdScalars((float) -lr(), (float) config.weightDecay(), (float) config.momentum(),
                (float) (1 - config.dampening()), firstUpdate, config.nesterov(), gradScale);
        OptimKernels.sgdUpdate(param.data(), grad.data(), hasMomentum ? s.buffers[0].data() : null,
                param.numel(), k);
    }

    @Override
    String kind() {
        return "SGD";
    }

    @Override
    List<String> bufferNames() {
        return config.momentum() != 0 ? MOMENTUM : List.of();
    }
}
