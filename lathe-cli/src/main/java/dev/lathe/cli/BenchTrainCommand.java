package dev.lathe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.tune.peft.TargetModules;
import dev.lathe.tune.peft.lora.LoraConfig;
import dev.lathe.tune.peft.lora.LoraModel;
import dev.lathe.tune.train.TokenizedExample;
import dev.lathe.tune.train.Trainer;
import dev.lathe.tune.train.TrainableModel;
import dev.lathe.tune.train.TrainerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe bench train}: training tokens/s of the real {@link Trainer} step (forward, cross-entropy,
 * backward, gradient clipping, AdamW, zero-grad) on a random Llama built in memory, for LoRA (r 8,
 * alpha 16 on q_proj and v_proj) and full fine-tuning, next to the figures
 * {@code tools/reference/bench_train.py} recorded for the same step in PyTorch. Each method runs in its
 * own child JVM with the engine pool sized to {@code --threads}, so each gets its own peak RSS and the
 * thread count need not be the parent's; the figure is the median over the timed steps of the step's
 * input tokens per second as the Trainer reports it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Training tokens/s (median step) and peak memory of LoRA and full fine-tuning on a random "
                + "Llama, next to PyTorch's recorded figures (tools/reference/bench_train.py)."})
final class BenchTrainCommand implements Callable<Integer> {
    static final Path DEFAULT_TORCH = Path.of("tools/reference/results/torch-train.json");
    private static final String RESULT_PREFIX = "bench-train-result ";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--method", paramLabel = "M", defaultValue = "both",
            description = "lora, full or both (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--threads", paramLabel = "N", description = "Engine threads (default: the engine's pool size).")
    Integer threads;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "4", description = "Sequences per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seq", paramLabel = "N", defaultValue = "256", description = "Tokens per sequence (default ${DEFAULT-VALUE}).")
    int seq;

    @Option(names = "--random-llama", paramLabel = "SIZE", defaultValue = "110m",
            description = "Model size: 110m (default), 15m or tiny (see lathe bench generate).")
    String size;

    @Option(names = "--torch", paramLabel = "FILE", description = "PyTorch figures JSON (default: "
            + "tools/reference/results/torch-train.json when present).")
    Path torch;

    @Option(names = "--no-torch", description = "Do not print PyTorch figures.")
    boolean noTorch;

    @Option(names = "--in-process", description = "Run in this JVM (the pool size must equal --threads).")
    boolean inProcess;

    @Option(names = "--child", hidden = true, description = "Internal: run by the parent JVM; print a result line.")
    boolean child;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "bench train", () -> {
            List<String> methods = switch (method.toLowerCase(Locale.ROOT)) {
                case "both" -> List.of("lora", "full");
                case "lora", "full" -> List.of(method.toLowerCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("--method must be lora, full or both, got '" + method + "'");
            };
            if (steps < 1 || warmup < 0 || batch < 1 || seq < 2) {
                throw new IllegalArgumentException("--steps and --batch must be >= 1, --warmup >= 0, --seq >= 2");
            }
            if (!BenchGenerateCommand.RANDOM_SIZES.containsKey(size.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("--random-llama must be one of "
                        + BenchGenerateCommand.RANDOM_SIZES.keySet() + ", got '" + size + "'");
            }
            int n = threads != null ? threads : Parallel.threads();
            if (n < 1) {
                throw new IllegalArgumentException("--threads must be >= 1, got " + n);
            }
            if (inProcess && n != Parallel.threads()) {
                throw new IllegalArgumentException("--in-process runs on this JVM's pool of " + Parallel.threads()
                        + " threads; drop --threads or set LATHE_THREADS=" + n);
            }
            Map<String, Double> torchTokens = new HashMap<>();
            Path torchFile = torch != null ? torch : Files.exists(DEFAULT_TORCH) ? DEFAULT_TORCH : null;
            String origin = noTorch || torchFile == null
                    ? "no figures (run /usr/bin/python3 tools/reference/bench_train.py or pass --torch FILE)"
                    : loadTorch(torchFile, torchTokens);
            out.printf(Locale.ROOT, "model: random Llama %s; batch %d x %d tokens; %d warm-up + %d timed steps; "
                    + "%d engine threads%n", size, batch, seq, warmup, steps, n);
            out.printf("PyTorch: %s%n", origin);
            out.flush();
            for (String m : methods) {
                Measurement r = inProcess ? measure(m, out, err) : inChild(m, n, err);
                Double t = noTorch ? null : torchTokens.get(m + "@" + n);
                out.printf(Locale.ROOT, "%-4s  lathe %8.1f tok/s  (median step %.3f s, %,d trainable parameters, "
                                + "peak RSS %s)%n", m, r.tokensPerSecond(), batch * seq / r.tokensPerSecond(),
                        r.trainable(), r.peakRss() < 0 ? "n/a" : dev.lathe.models.hub.ProgressBar.formatBytes(r.peakRss()));
                if (t != null) {
                    out.printf(Locale.ROOT, "      torch %8.1f tok/s  -> lathe/torch %.2fx%n", t, r.tokensPerSecond() / t);
                }
                out.flush();
            }
            return 0;
        });
    }

    /** One method's result: median tokens/s over the timed steps, trainable parameter count, peak RSS. */
    record Measurement(double tokensPerSecond, long trainable, long peakRss) {}

    private static String loadTorch(Path file, Map<String, Double> into) throws IOException {
        JsonNode doc = new ObjectMapper().readTree(file.toFile());
        JsonNode results = doc.path("results");
        if (!results.isArray()) {
            throw new IOException(file + ": no \"results\" array; re-record it with tools/reference/bench_train.py");
        }
        for (JsonNode r : results) {
            into.put(r.path("method").asText() + "@" + r.path("threads").asLong(), r.path("tokens_per_s").asDouble());
        }
        String env = doc.path("env").isObject() && !doc.path("env").isEmpty() ? ", env " + doc.path("env") : "";
        return "torch " + doc.path("torch").asText() + " (BLAS: " + doc.path("blas").asText() + env + ") on "
                + doc.path("cpu").asText() + ", " + doc.path("cores").asLong() + " cores, recorded "
                + doc.path("date").asText() + " [" + file + "]";
    }

    /** Runs {@code m} in a child JVM (same JVM flags and class path) with an engine pool of {@code n} threads. */
    private Measurement inChild(String m, int n, PrintWriter err) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Dlathe.threads=")) {
                cmd.add(a);
            }
        }
        cmd.add("-Dlathe.threads=" + n);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of("bench", "train", "--child", "--in-process", "--no-torch", "--method", m, "--steps",
                String.valueOf(steps), "--warmup", String.valueOf(warmup), "--batch", String.valueOf(batch), "--seq",
                String.valueOf(seq), "--random-llama", size));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Measurement result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(RESULT_PREFIX)) {
                    String[] f = line.substring(RESULT_PREFIX.length()).trim().split(" ");
                    result = new Measurement(Double.parseDouble(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
                } else if (line.startsWith("  step") || line.startsWith("WARNING")) {
                    err.println(line); // progress, kept off stdout
                    err.flush();
                } else if (!line.startsWith("model:") && !line.startsWith("PyTorch:") && !line.startsWith(m + " ")
                        && !line.isBlank()) {
                    err.println(line);
                    err.flush();
                }
            }
        }
        int code = p.waitFor();
        if (code != 0 || result == null) {
            throw new IllegalStateException("the " + m + " benchmark's child JVM failed (exit " + code
                    + "); its output is above");
        }
        return result;
    }

    /** Builds the model, trains warmup + steps through {@link Trainer#train()}, returns the timed median. */
    private Measurement measure(String m, PrintWriter out, PrintWriter err) throws IOException {
        DecoderModel base = BenchGenerateCommand.randomLlama(size);
        if (seq > base.contextLength()) {
            throw new IllegalArgumentException("--seq " + seq + " exceeds the model's context of " + base.contextLength());
        }
        TrainableModel model = m.equals("lora")
                ? TrainableModel.lora(LoraModel.create(base, "default", LoraConfig.of(8, 16, TargetModules.of("q_proj",
                        "v_proj")), 2), "default")
                : TrainableModel.fullFineTuning(base, List.of());
        long trainable = model.trainableParameters().values().stream().mapToLong(t -> t.numel()).sum();
        SplittableRandom rng = new SplittableRandom(42);
        List<TokenizedExample> data = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            data.add(TokenizedExample.ofText(rng.ints(seq, 3, base.vocabSize()).toArray()));
        }
        Path dir = Files.createTempDirectory("lathe-bench-train");
        try {
            TrainerConfig config = TrainerConfig.builder(dir).maxSteps(warmup + steps).batchSize(batch).lr(1e-4)
                    .schedule(TrainerConfig.ScheduleKind.CONSTANT).maxGradNorm(1.0).seed(42).build();
            Trainer.Result result = new Trainer(model, data, List.of(), config).train();
            List<Trainer.StepMetrics> s = result.steps();
            double[] timed = new double[steps];
            for (int i = 0; i < s.size(); i++) {
                Trainer.StepMetrics x = s.get(i);
                err.printf(Locale.ROOT, "  step %d%s: %.0f ms, %.1f tok/s, loss %.4f%n", i + 1,
                        i < warmup ? " (warm-up)" : "", batch * seq * 1000.0 / x.tokensPerSecond(),
                        x.tokensPerSecond(), x.loss());
                if (i >= warmup) {
                    timed[i - warmup] = x.tokensPerSecond();
                }
            }
            Measurement r = new Measurement(BenchGenerateCommand.median(timed), trainable,
                    BenchGenerateCommand.peakRss());
            err.flush();
            if (child) { // the line the parent JVM reads
                out.printf(Locale.ROOT, "%s%s %d %d%n", RESULT_PREFIX, r.tokensPerSecond(), r.trainable(), r.peakRss());
                out.flush();
            }
            return r;
        } finally {
            dev.lathe.engine.io.FileTrees.delete(dir);
        }
    }
}
