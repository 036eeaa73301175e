package dev.lathe.engine.optim;

/**
 * A learning-rate schedule: a multiplier of the base learning rate as a function of the number of
 * optimizer steps already taken, with the same values as the Hugging Face transformers schedules
 * ({@code get_constant_schedule}, {@code get_constant_schedule_with_warmup},
 * {@code get_linear_schedule_with_warmup}, {@code get_cosine_schedule_with_warmup} and its min-lr
 * variant) driving a {@code LambdaLR}: the step numbered {@code s} (0 for the first) runs with
 * {@code baseLr * multiplier(s)}.
 *
 * <p>Schedules are plain values; their position is the optimizer's {@link Optimizer#stepCount()},
 * which is saved with its state, so a resumed run continues the schedule where it stopped. Typical
 * use, before each step: {@code schedule.apply(optimizer, baseLr); optimizer.step();}.
 */
public sealed interface Schedule {
    /** The factor on the base learning rate for the step numbered {@code step} (0-based). */
    double multiplier(long step);

    /** The learning rate for step {@code step}. */
    default double lr(double baseLr, long step) {
        return baseLr * multiplier(step);
    }

    /** Sets the optimizer's learning rate for its next step (numbered {@link Optimizer#stepCount()}). */
    default void apply(Optimizer optimizer, double baseLr) {
        optimizer.setLr(lr(baseLr, optimizer.stepCount()));
    }

    /** The base learning rate throughout. */
    record Constant() implements Schedule {
        @Override
        public double multiplier(long step) {
            return 1.0;
        }
    }

    /** Linear warmup from 0 over {@code warmupSteps} steps, then the base learning rate. */
    record ConstantWithWarmup(long warmupSteps) implements Schedule {
        public ConstantWithWarmup {
            requireNonNegative("warmupSteps", warmupSteps);
        }

        @Override
        public double multiplier(long step) {
            return step < warmupSteps ? warmup(step, warmupSteps) : 1.0;
        }
    }

    /** Linear warmup, then linear decay reaching 0 at {@code totalSteps} (and staying there). */
    record LinearWithWarmup(long warmupSteps, long totalSteps) implements Schedule {
        public LinearWithWarmup {
            requireNonNegative("warmupSteps", warmupSteps);
            requireNonNegative("totalSteps", totalSteps);
        }

        @Override
        public double multiplier(long step) {
            if (step < warmupSteps) {
                return warmup(step, warmupSteps);
            }
            return Math.max(0.0, (double) (totalSteps - step) / (double) Math.max(1, totalSteps - warmupSteps));
        }
    }

    /**
     * Linear warmup, then a cosine from 1 down to {@code minLrRatio} over the remaining steps:
     * {@code numCycles} 0.5 is half a cosine wave, ending at the minimum at {@code totalSteps}. With
     * {@code minLrRatio} 0 this is HF's {@code get_cosine_schedule_with_warmup}; otherwise its
     * {@code get_cosine_with_min_lr_schedule_with_warmup} with {@code min_lr_rate}.
     */
    record CosineWithWarmup(long warmupSteps, long totalSteps, double numCycles, double minLrRatio)
            implements Schedule {
        public CosineWithWarmup {
            requireNonNegative("warmupSteps", warmupSteps);
            requireNonNegative("totalSteps", totalSteps);
            if (!(numCycles >= 0) || Double.isInfinite(numCycles)) {
                throw new IllegalArgumentException("numCycles must be finite and >= 0, got " + numCycles);
            }
            if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
                throw new IllegalArgumentException("minLrRatio must be in [0, 1], got " + minLrRatio);
            }
        }

        /** Half a cosine down to 0, as HF's defaults. */
        public CosineWithWarmup(long warmupSteps, long totalSteps) {
            this(warmupSteps, totalSteps, 0.5, 0.0);
        }

        @Override
        public double multiplier(long step) {
            if (step < warmupSteps) {
                return warmup(step, warmupSteps);
            }
            double progress = (double) (step - warmupSteps) / (double) Math.max(1, totalSteps - warmupSteps);
            double factor = 0.5 * (1.0 + Math.cos(Math.PI * numCycles * 2.0 * progress));
            // HF applies the floor as factor * (1 - r) + r; with r = 0 that is the plain cosine exactly.
            factor = factor * (1 - minLrRatio) + minLrRatio;
            return Math.max(0.0, factor);
        }
    }

    private static double warmup(long step, long warmupSteps) {
        return (double) step / (double) Math.max(1, warmupSteps);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + value);
        }
    }
}
