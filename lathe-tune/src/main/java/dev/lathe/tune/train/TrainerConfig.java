package dev.lathe.tune.train;

import dev.lathe.engine.optim.AdamW;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The settings of a {@link Trainer} run, as a value; {@link #builder()} starts from defaults close to
 * Hugging Face's {@code TrainingArguments} (AdamW lr 5e-5, weight decay 0, linear schedule, no warmup,
 * clipping at norm 1, batch 8, no evaluation, no checkpoints).
 *
 * @param outputDir        where checkpoints and {@code metrics.jsonl} go
 * @param epochs           passes over the data when {@code maxSteps} is 0
 * @param maxSteps         optimizer steps to take; 0 to derive from {@code epochs}
 * @param batchSize        examples per micro-batch
 * @param gradAccumulation micro-batches per optimizer step
 * @param optimizer        AdamW hyper-parameters (its lr is the peak learning rate)
 * @param schedule         the learning-rate shape after warmup
 * @param warmupSteps      linear warmup steps from 0
 * @param maxGradNorm      global gradient-norm clip, or 0 for none
 * @param seed             drives the per-epoch shuffles and the dropout masks (and nothing else)
 * @param padId            the token id that fills padding (masked out, never scored)
 * @param evalSteps        evaluate every this many steps, 0 for never
 * @param patience         stop after this many evaluations without improvement, 0 for never
 * @param minDelta         the least change of {@code metric} in its good direction that counts as improvement
 * @param keepBest         restore the weights of the best evaluation when training ends
 * @param saveSteps        checkpoint every this many steps, 0 for never
 * @param keepLast         checkpoints to keep, 0 for all
 * @param console          where progress goes (a bar redrawn in place on a terminal, plain lines otherwise), or
 *                         null for none
 * @param metric           what early stopping and keep-best compare ({@link Metric#VAL_LOSS} by default)
 * @param bucketByLength   group examples of similar length into batches (less padding); the grouping and
 *                         the batch order are a function of the seed and the epoch, so runs stay reproducible
 */
public record TrainerConfig(Path outputDir, int epochs, long maxSteps, int batchSize, int gradAccumulation,
        AdamW.Config optimizer, ScheduleKind schedule, long warmupSteps, double maxGradNorm, long seed, int padId,
        long evalSteps, int patience, double minDelta, boolean keepBest, long saveSteps, int keepLast,
        PrintStream console, Metric metric, boolean bucketByLength) {

    /** The learning-rate shape after warmup (see {@link dev.lathe.engine.optim.Schedule}). */
    public enum ScheduleKind { CONSTANT, LINEAR, COSINE }

    /** An evaluation metric early stopping and keep-best can follow, with its name in the metrics log. */
    public enum Metric {
        /** Mean validation loss: lower is better. */
        VAL_LOSS("val_loss", false),
        /** Classification accuracy: higher is better. */
        ACCURACY("accuracy", true),
        /** Classification macro-F1 (unweighted mean of per-class F1): higher is better. */
        MACRO_F1("macro_f1", true);

        private final String key;
        private final boolean higherIsBetter;

        Metric(String key, boolean higherIsBetter) {
            this.key = key;
            this.higherIsBetter = higherIsBetter;
        }

        /** The name used in {@code metrics.jsonl}, checkpoints and recipes ({@code val_loss}, {@code accuracy}, {@code macro_f1}). */
        public String key() {
            return key;
        }

        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        /** The metric named {@code key} as {@link #key()} spells it. */
        public static Metric of(String key) {
            for (Metric m : values()) {
                if (m.key.equals(key)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown metric '" + key + "'; use val_loss, accuracy or macro_f1");
        }
    }

    /** The settings before {@code metric} and {@code bucketByLength} existed: early stopping on val_loss, no bucketing. */
    public TrainerConfig(Path outputDir, int epochs, long maxSteps, int batchSize, int gradAccumulation,
            AdamW.Config optimizer, ScheduleKind schedule, long warmupSteps, double maxGradNorm, long seed, int padId,
            long evalSteps, int patience, double minDelta, boolean keepBest, long saveSteps, int keepLast,
            PrintStream console) {
        this(outputDir, epochs, maxSteps, batchSize, gradAccumulation, optimizer, schedule, warmupSteps, maxGradNorm,
                seed, padId, evalSteps, patience, minDelta, keepBest, saveSteps, keepLast, console, Metric.VAL_LOSS,
                false);
    }

    public TrainerConfig {
        if (metric == null) {
            throw new IllegalArgumentException("metric must be set (val_loss, accuracy or macro_f1)");
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("outputDir must be set");
        }
        positive("batchSize", batchSize);
        positive("gradAccumulation", gradAccumulation);
        if (maxSteps < 0 || epochs < 0 || (maxSteps == 0 && epochs == 0)) {
            throw new IllegalArgumentException("set maxSteps > 0 or epochs > 0, got maxSteps " + maxSteps
                    + " and epochs " + epochs);
        }
        if (warmupSteps < 0 || evalSteps < 0 || saveSteps < 0 || patience < 0 || keepLast < 0) {
            throw new IllegalArgumentException("warmupSteps, evalSteps, saveSteps, patience and keepLast must be"
                    + " >= 0, got " + warmupSteps + ", " + evalSteps + ", " + saveSteps + ", " + patience + ", "
                    + keepLast);
        }
        if (!(maxGradNorm >= 0) || !(minDelta >= 0)) {
            throw new IllegalArgumentException("maxGradNorm and minDelta must be >= 0, got " + maxGradNorm + ", "
                    + minDelta);
        }
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must be set");
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }

    public static Builder builder(Path outputDir) {
        return new Builder(outputDir);
    }

    /** A mutable builder over the record's defaults. */
    public static final class Builder {
        private Path outputDir;
        private int epochs = 1;
        private long maxSteps;
        private int batchSize = 8;
        private int gradAccumulation = 1;
        private AdamW.Config optimizer = AdamW.Config.defaults().withLr(5e-5).withWeightDecay(0);
        private ScheduleKind schedule = ScheduleKind.LINEAR;
        private long warmupSteps;
        private double maxGradNorm = 1.0;
        private long seed = 42;
        private int padId;
        private long evalSteps;
        private int patience;
        private double minDelta;
        private boolean keepBest;
        private long saveSteps;
        private int keepLast;
        private PrintStream console;
        private Metric metric = Metric.VAL_LOSS;
        private boolean bucketByLength;

        private Builder(Path outputDir) {
            this.outputDir = outputDir;
        }

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder gradAccumulation(int v) { gradAccumulation = v; return this; }
        public Builder optimizer(AdamW.Config v) { optimizer = v; return this; }
        public Builder lr(double v) { optimizer = optimizer.withLr(v); return this; }
        public Builder schedule(ScheduleKind v) { schedule = v; return this; }
        public Builder warmupSteps(long v) { warmupSteps = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder padId(int v) { padId = v; return this; }
        public Builder evalSteps(long v) { evalSteps = v; return this; }
        public Builder earlyStopping(int patienceEvals, double delta) { patience = patienceEvals; minDelta = delta; return this; }
        public Builder keepBest(boolean v) { keepBest = v; return this; }
        public Builder saveSteps(long v) { saveSteps = v; return this; }
        public Builder keepLast(int v) { keepLast = v; return this; }
        public Builder console(PrintStream v) { console = v; return this; }
        public Builder metric(Metric v) { metric = v; return this; }
        public Builder bucketByLength(boolean v) { bucketByLength = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(outputDir, epochs, maxSteps, batchSize, gradAccumulation, optimizer, schedule,
                    warmupSteps, maxGradNorm, seed, padId, evalSteps, patience, minDelta, keepBest, saveSteps,
                    keepLast, console, metric, bucketByLength);
        }
    }
}
