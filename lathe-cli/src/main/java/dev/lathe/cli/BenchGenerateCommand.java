package dev.lathe.cli;

import dev.lathe.engine.tensor.Tensor;
import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.config.ModelConfig;
import dev.lathe.models.family.DecoderFamilies;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.family.WeightSource;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe bench generate}: prefill and decode speed of a model, each the median over runs after a
 * warm-up run: a prompt of random token ids is prefilled into a fresh cache, then tokens are decoded
 * greedily one by one (EOS ignored). {@code --random-llama 110m} builds a Llama of that size with random
 * weights in memory, so speed can be measured without downloading anything. Memory: the process's peak
 * resident set (VmHWM: heap, native memory and the mapped weight pages touched), the Java heap's peak
 * use, and the weights' own size.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prefill and decode tokens/s (median of runs) and peak memory of a model, or of a random "
                + "Llama built in memory (--random-llama 110m)."})
final class BenchGenerateCommand implements Callable<Integer> {
    /** Random Llama sizes: hidden, layers, heads, intermediate, vocab (llama2.c's stories models). */
    static final Map<String, int[]> RANDOM_SIZES = new LinkedHashMap<>();

    static {
        RANDOM_SIZES.put("110m", new int[] {768, 12, 12, 2048, 32000});
        RANDOM_SIZES.put("15m", new int[] {288, 6, 6, 768, 32000});
        RANDOM_SIZES.put("tiny", new int[] {64, 2, 4, 128, 512});
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "A model, as for lathe generate.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer .bin (llama2.c input).")
    Path tokenizer;

    @Option(names = "--random-llama", paramLabel = "SIZE", description = "A random-weight Llama instead of --model: "
            + "110m (hidden 768, 12 layers, 12 heads, intermediate 2048, vocab 32000), 15m, or tiny.")
    String randomLlama;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "128", description = "Prompt length (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", paramLabel = "N", defaultValue = "64", description = "Tokens decoded per run (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed runs (median; default ${DEFAULT-VALUE}).")
    int runs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "bench generate", () -> {
            if ((model == null) == (randomLlama == null)) {
                throw new IllegalArgumentException("give either --model MODEL or --random-llama SIZE");
            }
            if (promptTokens < 1 || newTokens < 1 || runs < 1) {
                throw new IllegalArgumentException("--prompt-tokens, --new-tokens and --runs must be >= 1");
            }
            if (randomLlama != null) {
                long t0 = System.nanoTime();
                DecoderModel m = randomLlama(randomLlama);
                long params = m.weights().layers().isEmpty() ? 0 : parameters(m.config());
                out.printf(Locale.ROOT, "model: random Llama %s (%,d parameters, F32 in memory, %.1f s to build)%n",
                        randomLlama, params, (System.nanoTime() - t0) / 1e9);
                bench(out, m, params * 4);
            } else {
                try (LoadedModel m = CliSupport.loader(err).load(dev.lathe.models.load.ModelSpec.parse(model, tokenizer))) {
                    long bytes = weightBytes(m.folder());
                    out.printf(Locale.ROOT, "model: %s (%s, %s of weights, mapped)%n", model, m.config().family(),
                            dev.lathe.models.hub.ProgressBar.formatBytes(bytes));
                    bench(out, m.model(), bytes);
                }
            }
            return 0;
        });
    }

    private void bench(PrintWriter out, CausalLanguageModel model, long weightBytes) {
        if (promptTokens + newTokens > model.contextLength()) {
            throw new IllegalArgumentException("--prompt-tokens + --new-tokens = " + (promptTokens + newTokens)
                    + " exceeds the model's context of " + model.contextLength());
        }
        int[] prompt = new SplittableRandom(42).ints(promptTokens, Math.min(3, model.vocabSize() - 1),
                model.vocabSize()).toArray();
        SamplingParams params = SamplingParams.builder().temperature(0).maxTokens(newTokens).ignoreEos(true).build();
        Generator generator = new Generator(null);
        out.printf(Locale.ROOT, "prompt %d tokens, %d new tokens, %d run(s) after 1 warm-up, %d threads%n",
                promptTokens, newTokens, runs, dev.lathe.engine.kernel.Parallel.threads());
        out.flush();
        generator.generate(model, prompt, params); // warm-up: JIT, caches, page-in of mapped weights
        double[] prefill = new double[runs];
        double[] decode = new double[runs];
        for (int r = 0; r < runs; r++) {
            Generation g = generator.generate(model, prompt, params);
            prefill[r] = g.promptTokens() * 1000.0 / g.prefillMillis();
            decode[r] = g.decodeTokensPerSecond();
            out.printf(Locale.ROOT, "  run %d: prefill %.1f ms (%.1f tok/s), decode %d tokens in %.1f ms (%.2f tok/s)%n",
                    r + 1, g.prefillMillis(), prefill[r], g.decodeSteps(), g.decodeMillis(), decode[r]);
            out.flush();
        }
        out.printf(Locale.ROOT, "prefill: %.1f tok/s (median)%n", median(prefill));
        out.printf(Locale.ROOT, "decode:  %.2f tok/s (median)%n", median(decode));
        out.printf(Locale.ROOT, "memory:  peak RSS %s (VmHWM: heap + native + touched mapped pages), heap peak %s, "
                        + "weights %s, direct/mapped buffers %s%n",
                fmt(peakRss()), fmt(heapPeak()), fmt(weightBytes), fmt(bufferPools()));
        out.flush();
    }

    /** A Llama of the named size with uniform random weights (std 0.02), built in memory. */
    static DecoderModel randomLlama(String size) {
        int[] d = RANDOM_SIZES.get(size.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw new IllegalArgumentException("--random-llama must be one of " + RANDOM_SIZES.keySet() + ", got '" + size + "'");
        }
        int hidden = d[0], layers = d[1], heads = d[2], inter = d[3], vocab = d[4];
        String json = String.format(Locale.ROOT, """
                {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "hidden_size": %d,
                 "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "intermediate_size": %d, "vocab_size": %d, "max_position_embeddings": 1024,
                 "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "tie_word_embeddings": true, "hidden_act": "silu",
                 "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32"}""",
                hidden, layers, heads, heads, inter, vocab);
        ModelConfig config = ModelConfig.parse(json, null, "random-llama-" + size + "/config.json");
        Map<String, Tensor> w = new LinkedHashMap<>();
        long seed = 1;
        float a = 0.02f * (float) Math.sqrt(3); // uniform(-a, a) has std 0.02
        w.put("model.embed_tokens.weight", Tensor.uniform(seed++, -a, a, vocab, hidden));
        w.put("model.norm.weight", Tensor.full(1f, hidden));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            w.put(p + "input_layernorm.weight", Tensor.full(1f, hidden));
            w.put(p + "post_attention_layernorm.weight", Tensor.full(1f, hidden));
            for (String proj : new String[] {"q_proj", "k_proj", "v_proj", "o_proj"}) {
                w.put(p + "self_attn." + proj + ".weight", Tensor.uniform(seed++, -a, a, hidden, hidden));
            }
            w.put(p + "mlp.gate_proj.weight", Tensor.uniform(seed++, -a, a, inter, hidden));
            w.put(p + "mlp.up_proj.weight", Tensor.uniform(seed++, -a, a, inter, hidden));
            w.put(p + "mlp.down_proj.weight", Tensor.uniform(seed++, -a, a, hidden, inter));
        }
        return DecoderFamilies.build(config, WeightSource.of(w, "random-llama-" + size));
    }

    static long parameters(ModelConfig c) {
        long h = c.hiddenSize(), i = c.intermediateSize();
        long perLayer = 4 * h * h + 3 * h * i + 2 * h;
        return c.vocabSize() * h + c.numHiddenLayers() * perLayer + h;
    }

    private static long weightBytes(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Peak resident set size of this process (Linux /proc/self/status VmHWM), or -1 elsewhere. */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Sum of the heap pools' peak use (each pool's own peak, so an upper bound of the true peak). */
    static long heapPeak() {
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && p.getPeakUsage() != null) {
                sum += p.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static long bufferPools() {
        long sum = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            sum += Math.max(0, b.getMemoryUsed());
        }
        return sum;
    }

    private static String fmt(long bytes) {
        return bytes < 0 ? "n/a" : dev.lathe.models.hub.ProgressBar.formatBytes(bytes);
    }
}
