package dev.lathe.tune.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.autograd.Autograd;
import dev.lathe.engine.io.AtomicFile;
import dev.lathe.engine.op.Arithmetic;
import dev.lathe.engine.optim.AdamW;
import dev.lathe.engine.optim.GradClip;
import dev.lathe.engine.optim.Schedule;
import dev.lathe.engine.tensor.Tensor;
import dev.lathe.engine.tensor.TensorArena;
import dev.lathe.models.format.safetensors.SafetensorsFile;
import dev.lathe.models.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The training loop for any {@link TrainingTask}: causal-LM fine-tuning over {@link TokenizedExample}s
 * (the {@link TrainableModel} constructor) or sequence classification. AdamW with warmup and a linear or
 * cosine decay, global gradient-norm clipping, gradient accumulation (the accumulated gradient is that of
 * the mean loss over every scored term of the step: tokens, or examples), each step's activations in a
 * {@link TensorArena} closed after the optimizer step, a seeded shuffle per epoch (optionally bucketed by
 * length), evaluation every N steps with early stopping and keep-best on a chosen metric, a progress bar,
 * a JSONL metrics log and atomic checkpoints.
 *
 * <p>Resuming is exact: the randomness is the shuffle, derived from the seed and the epoch number, and
 * the dropout masks, derived from the seed and the micro-batch index (set on the model before each
 * training forward); the data position is the count of micro-batches consumed, so a checkpoint holds
 * plain counters and no opaque RNG state; the optimizer state carries the schedule position.
 */
public final class Trainer {
    static final String STATE_FILE = "trainer_state.json";
    static final String OPTIMIZER_FILE = "optimizer.bin";
    static final String BEST_FILE = "best.safetensors";
    static final String METRICS_FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One optimizer step: the mean loss over its scored tokens, the lr it ran with, the norm before clipping. */
    public record StepMetrics(long step, int epoch, double loss, double lr, double gradNorm, double tokensPerSecond) {}

    /**
     * One evaluation: mean validation loss per scored term and its exponential, and for classification the
     * accuracy and macro-F1 (NaN for causal LM); {@code improved} by the config's {@link TrainerConfig.Metric}.
     */
    public record Evaluation(long step, double loss, double perplexity, double accuracy, double macroF1,
            boolean improved) {

        /** A causal-LM evaluation (no accuracy or macro-F1). */
        public Evaluation(long step, double loss, double perplexity, boolean improved) {
            this(step, loss, perplexity, Double.NaN, Double.NaN, improved);
        }

        /** The value of {@code metric} in this evaluation. */
        public double metric(TrainerConfig.Metric metric) {
            return switch (metric) {
                case VAL_LOSS -> loss;
                case ACCURACY -> accuracy;
                case MACRO_F1 -> macroF1;
            };
        }
    }

    /**
     * What {@link #train()} did in this call (a resumed run lists only its own steps). {@code bestLoss} is
     * the best value of the config's early-stopping metric (the validation loss unless another was chosen).
     */
    public record Result(long finalStep, boolean stoppedEarly, double bestLoss, long bestStep,
            List<StepMetrics> steps, List<Evaluation> evaluations) {}

    private final TrainingTask task;
    private final TrainerConfig config;
    private final AdamW optimizer;
    private final Schedule schedule;
    private final int batchesPerEpoch;
    private final long totalSteps;
    private final long microLimit; // micro-batches in the run when it is sized by epochs; -1 under maxSteps
    // Each step's activations have the same sizes: their memory is reused step to step, not re-mapped.
    private final TensorArena.Pool activations = new TensorArena.Pool();

    private long step;       // optimizer steps taken
    private long micro;      // micro-batches consumed: the data position
    private double bestLoss; // best value of config.metric() so far; the worst possible before any evaluation
    private long bestStep = -1;
    private int badEvals;
    private boolean stopped;
    private Map<String, Tensor> best; // copies of the trainable tensors at the best evaluation
    private int orderEpoch = -1;
    private int[][] order; // the batches of epoch orderEpoch, as training-example indices

    /** Causal-LM fine-tuning of {@code model} on {@code train}, evaluated on {@code validation} (may be empty). */
    public Trainer(TrainableModel model, List<TokenizedExample> train, List<TokenizedExample> validation,
            TrainerConfig config) {
        this(new CausalLmTask(model, train, validation, config.padId()), config);
    }

    /** Trains {@code task} (its training examples, loss, trainable tensors and evaluation) under {@code config}. */
    public Trainer(TrainingTask task, TrainerConfig config) {
        if (task.trainSize() == 0) {
            throw new IllegalArgumentException("the training set is empty");
        }
        if (config.evalSteps() > 0 && !task.hasValidation()) {
            throw new IllegalArgumentException("evalSteps is " + config.evalSteps() + " but the validation set is empty");
        }
        this.task = task;
        this.config = config;
        this.bestLoss = worst(config.metric());
        this.optimizer = new AdamW(task.trainableParameters(), config.optimizer());
        this.batchesPerEpoch = (task.trainSize() + config.batchSize() - 1) / config.batchSize();
        this.totalSteps = config.maxSteps() > 0 ? config.maxSteps()
                : ((long) config.epochs() * batchesPerEpoch + config.gradAccumulation() - 1) / config.gradAccumulation();
        // The last step of an epoch-sized run may take fewer micro-batches rather than start another epoch.
        this.microLimit = config.maxSteps() > 0 ? -1 : (long) config.epochs() * batchesPerEpoch;
        this.schedule = switch (config.schedule()) {
            case CONSTANT -> new Schedule.ConstantWithWarmup(config.warmupSteps());
            case LINEAR -> new Schedule.LinearWithWarmup(config.warmupSteps(), totalSteps);
            case COSINE -> new Schedule.CosineWithWarmup(config.warmupSteps(), totalSteps);
        };
    }

    private static double worst(TrainerConfig.Metric metric) {
        return metric.higherIsBetter() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    public long step() {
        return step;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    // ---------------------------------------------------------------- loop

    /** Trains until {@code totalSteps} or early stopping; restores the best weights when keep-best is on. */
    public Result train() throws IOException {
        Files.createDirectories(config.outputDir());
        List<StepMetrics> steps = new ArrayList<>();
        List<Evaluation> evals = new ArrayList<>();
        TrainingProgress progress = new TrainingProgress(config.console(), step, totalSteps);
        while (step < totalSteps && !stopped) {
            StepMetrics m = trainStep();
            steps.add(m);
            log(metricsLine(m));
            progress.step(m);
            if (config.evalSteps() > 0 && step % config.evalSteps() == 0) {
                Evaluation e = track(evaluate());
                evals.add(e);
                log(evalLine(e));
                progress.evaluation(e, stopped);
            }
            if (config.saveSteps() > 0 && (step % config.saveSteps() == 0 || stopped)) {
                saveCheckpoint();
            }
        }
        progress.finish();
        if (config.keepBest() && best != null) {
            restore(best);
        }
        return new Result(step, stopped, bestLoss, bestStep, List.copyOf(steps), List.copyOf(evals));
    }

    private StepMetrics trainStep() {
        long start = System.nanoTime();
        List<TrainingTask.MicroBatch> batches = new ArrayList<>();
        int tokens = 0;
        int inputs = 0;
        for (int a = 0; a < config.gradAccumulation() && (microLimit < 0 || micro + a < microLimit); a++) {
            TrainingTask.MicroBatch b = task.trainBatch(batchAt(micro + a));
            batches.add(b);
            tokens += b.scored();
            inputs += b.inputTokens();
        }
        int epoch = (int) (micro / batchesPerEpoch);
        float inv = 1f / tokens;
        double[] out = new double[3]; // loss sum, grad norm, lr
        task.train(true);
        try (TensorArena arena = TensorArena.open(activations)) {
            arena.run(() -> {
                double lossSum = 0;
                for (int a = 0; a < batches.size(); a++) {
                    task.reseedDropout(dropoutSeed(micro + a));
                    Tensor loss = batches.get(a).lossSum();
                    lossSum += loss.item();
                    // Scaled by the step's token count, so the accumulated gradient is the step's mean.
                    Autograd.backward(Arithmetic.scale(loss, inv));
                }
                out[0] = lossSum;
                // Clipping's scale is folded into the optimizer's pass rather than rewriting every gradient.
                GradClip.Clip clip = config.maxGradNorm() > 0 ? GradClip.measure(optimizer, config.maxGradNorm(), true)
                        : new GradClip.Clip(GradClip.totalNorm(optimizer.parameters().values()), 1f);
                out[1] = clip.norm();
                schedule.apply(optimizer, config.optimizer().lr());
                out[2] = optimizer.lr();
                optimizer.step(clip.scale());
                optimizer.zeroGrad();
            });
        }
        micro += batches.size();
        step++;
        double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        return new StepMetrics(step, epoch, out[0] / tokens, out[2], out[1], inputs / seconds);
    }

    /** The dropout seed of micro-batch {@code k} of the whole run: a function of the seed and k only. */
    private long dropoutSeed(long k) {
        return new SplittableRandom(config.seed() ^ (0xD1B54A32D192ED03L * (k + 1L))).nextLong();
    }

    /** Micro-batch number {@code k} of the whole run (training-example indices): batch k % batchesPerEpoch of its epoch. */
    private int[] batchAt(long k) {
        int epoch = (int) (k / batchesPerEpoch);
        if (epoch != orderEpoch) {
            order = BatchOrder.epoch(config.seed(), epoch, task.trainSize(), config.batchSize(),
                    config.bucketByLength() ? task::trainLength : null);
            orderEpoch = epoch;
        }
        return order[(int) (k % batchesPerEpoch)];
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * Mean validation loss per scored term (and perplexity; accuracy and macro-F1 for classification),
     * without changing any state.
     */
    public Evaluation evaluate() {
        if (!task.hasValidation()) {
            throw new IllegalStateException("no validation set to evaluate on");
        }
        task.train(false);
        TrainingTask.Scores s = task.evaluate(config.batchSize());
        return new Evaluation(step, s.loss(), Math.exp(s.loss()), s.accuracy(), s.macroF1(), false);
    }

    private Evaluation track(Evaluation e) {
        TrainerConfig.Metric metric = config.metric();
        double value = e.metric(metric);
        if (Double.isNaN(value)) {
            throw new IllegalStateException("early-stopping metric " + metric.key() + " is not measured by this"
                    + " task (accuracy and macro_f1 need a classification task)");
        }
        boolean improved = metric.higherIsBetter() ? value > bestLoss + config.minDelta()
                : value < bestLoss - config.minDelta();
        if (improved) {
            bestLoss = value;
            bestStep = step;
            badEvals = 0;
            if (config.keepBest()) {
                best = snapshot();
            }
        } else {
            badEvals++;
            if (config.patience() > 0 && badEvals >= config.patience()) {
                stopped = true;
            }
        }
        return new Evaluation(e.step(), e.loss(), e.perplexity(), e.accuracy(), e.macroF1(), improved);
    }

    private Map<String, Tensor> snapshot() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        task.trainableParameters().forEach((n, t) -> out.put(n, Tensor.of(t.toFloatArray(), t.shape())));
        return out;
    }

    private void restore(Map<String, Tensor> saved) {
        task.trainableParameters().forEach((n, t) -> FullFineTuning.copyInto(config.outputDir(), n, saved.get(n), t));
    }

    // ---------------------------------------------------------------- checkpoints

    private void saveCheckpoint() throws IOException {
        Checkpoints.write(config.outputDir(), step, tmp -> {
            task.save(tmp);
            optimizer.saveState(tmp.resolve(OPTIMIZER_FILE));
            if (best != null) {
                SafetensorsWriter.write(tmp.resolve(BEST_FILE), best,
                        Map.of("format", "pt"));
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", step);
            s.put("epoch", micro / batchesPerEpoch);
            s.put("micro_batches_consumed", micro);
            s.put("batch_in_epoch", micro % batchesPerEpoch);
            s.put("seed", config.seed());
            s.put("batch_size", config.batchSize());
            s.put("grad_accumulation", config.gradAccumulation());
            s.put("train_examples", task.trainSize());
            s.put("bucket_by_length", config.bucketByLength());
            s.put("metric", config.metric().key());
            s.put("schedule_position", optimizer.stepCount());
            s.put("total_steps", totalSteps);
            s.put("best_metric", Double.isFinite(bestLoss) ? bestLoss : null);
            s.put("best_step", bestStep);
            s.put("evals_without_improvement", badEvals);
            s.put("stopped", stopped);
            // Written last and fsynced: its presence, parseable, is what marks the checkpoint complete.
            AtomicFile.write(tmp.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(s));
        });
        Checkpoints.prune(config.outputDir(), config.keepLast());
    }

    /** Continues from the newest complete checkpoint in the output folder; false when there is none. */
    public boolean resume() throws IOException {
        Optional<Path> latest = Checkpoints.latest(config.outputDir());
        if (latest.isEmpty()) {
            return false;
        }
        resume(latest.get());
        return true;
    }

    /** Restores weights, optimizer, schedule position, data position and early-stopping state from {@code dir}. */
    public void resume(Path dir) throws IOException {
        Path stateFile = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(stateFile)) {
            throw new IllegalArgumentException(dir + ": no " + STATE_FILE + " (not a complete checkpoint)");
        }
        JsonNode s = JSON.readTree(stateFile.toFile());
        expect(stateFile, s, "seed", config.seed());
        expect(stateFile, s, "batch_size", config.batchSize());
        expect(stateFile, s, "grad_accumulation", config.gradAccumulation());
        expect(stateFile, s, "train_examples", task.trainSize());
        if (s.has("bucket_by_length") && s.get("bucket_by_length").asBoolean() != config.bucketByLength()) {
            throw new IllegalArgumentException(stateFile + ": bucket_by_length is " + s.get("bucket_by_length")
                    + " but this trainer has " + config.bucketByLength() + "; the data position would mean other"
                    + " examples");
        }
        String metric = s.path("metric").asText(TrainerConfig.Metric.VAL_LOSS.key());
        if (!metric.equals(config.metric().key())) {
            throw new IllegalArgumentException(stateFile + ": early stopping followed " + metric + " but this"
                    + " trainer follows " + config.metric().key() + "; resume with the same metric");
        }
        task.load(dir);
        optimizer.loadState(dir.resolve(OPTIMIZER_FILE));
        step = s.get("step").asLong();
        micro = s.get("micro_batches_consumed").asLong();
        JsonNode bm = s.get("best_metric");
        bestLoss = bm == null || bm.isNull() ? worst(config.metric()) : bm.asDouble();
        bestStep = s.get("best_step").asLong();
        badEvals = s.get("evals_without_improvement").asInt();
        stopped = s.get("stopped").asBoolean();
        best = null;
        truncateMetrics(step);
        Path bestFile = dir.resolve(BEST_FILE);
        if (Files.isRegularFile(bestFile)) {
            try (SafetensorsFile f = SafetensorsFile.open(bestFile)) {
                best = new LinkedHashMap<>();
                for (String n : task.trainableParameters().keySet()) {
                    Tensor t = f.tensor(n);
                    best.put(n, Tensor.of(t.toFloatArray(), t.shape()));
                }
            }
        }
    }

    private static void expect(Path file, JsonNode s, String field, long value) {
        JsonNode n = s.get(field);
        if (n == null || n.asLong() != value) {
            throw new IllegalArgumentException(file + ": " + field + " is " + n + " but this trainer has " + value
                    + "; the data position would mean other examples");
        }
    }

    // ---------------------------------------------------------------- logging

    private static String metricsLine(StepMetrics m) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("step", m.step());
        o.put("epoch", m.epoch());
        o.put("loss", m.loss());
        o.put("lr", m.lr());
        o.put("grad_norm", m.gradNorm());
        o.put("tokens_per_s", m.tokensPerSecond());
        return JSON.writeValueAsString(o);
    }

    private static String evalLine(Evaluation e) throws IOException {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("step", e.step());
        o.put("val_loss", e.loss());
        o.put("val_perplexity", e.perplexity());
        if (!Double.isNaN(e.accuracy())) {
            o.put("accuracy", e.accuracy());
            o.put("macro_f1", e.macroF1());
        }
        o.put("improved", e.improved());
        return JSON.writeValueAsString(o);
    }

    private void log(String line) throws IOException {
        Files.writeString(config.outputDir().resolve(METRICS_FILE), line + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Keeps only the log lines of steps up to {@code upTo} (the restored step), so the steps a crashed run
     * logged after its last checkpoint, which this run repeats, appear once; an unreadable line (a crash
     * mid-append) goes too.
     */
    private void truncateMetrics(long upTo) throws IOException {
        Path file = config.outputDir().resolve(METRICS_FILE);
        if (!Files.isRegularFile(file)) {
            return;
        }
        StringBuilder kept = new StringBuilder();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (n != null && n.path("step").isIntegralNumber() && n.get("step").asLong() <= upTo) {
                kept.append(line).append('\n');
            }
        }
        AtomicFile.write(file, kept.toString().getBytes(StandardCharsets.UTF_8));
    }
}
