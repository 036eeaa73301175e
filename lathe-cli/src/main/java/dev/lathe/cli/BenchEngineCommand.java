package dev.lathe.cli;

import dev.lathe.engine.kernel.Gemm;
import dev.lathe.engine.kernel.Parallel;
import dev.lathe.engine.kernel.Simd;
import dev.lathe.engine.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe bench engine}: GFLOP/s of the GEMM kernel, C(M,N) = A(M,K) B(K,N) in F32, for the
 * naive triple loop, Lathe on one thread and Lathe on several, each the median of timed runs after
 * warm-up; beside them, PyTorch's figures recorded by {@code tools/reference/bench_matmul.py} on
 * some machine (the header says which and when), and Lathe as a percentage of them.
 */
@Command(name = "engine", mixinStandardHelpOptions = true,
        description = {"GEMM GFLOP/s: naive loop, Lathe single- and multi-threaded, and PyTorch's recorded "
                + "figures (tools/reference/bench_matmul.py) when present.",
                "Shapes are MxKxN; a single number n means n x n x n."})
final class BenchEngineCommand implements Callable<Integer> {
    static final String DEFAULT_SIZES = "512,1024,2048,4096,1x768x2304,256x768x3072";
    static final String QUICK_SIZES = "64,96,1x64x96,8x64x96";
    static final Path DEFAULT_TORCH = Path.of("tools/reference/results/torch-matmul.json");
    /** The naive loop runs only up to this many multiply-adds (1024^3); beyond it prints "-". */
    static final long NAIVE_MAX_WORK = 1L << 30;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the multi-threaded column (default: the engine's pool size; at most that).")
    Integer threads;

    @Option(names = "--sizes", paramLabel = "LIST", description = "Comma-separated shapes, e.g. 512,1x768x2304 "
            + "(default: " + DEFAULT_SIZES + ").")
    String sizes;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5", description = "Timed runs per figure (median; "
            + "default ${DEFAULT-VALUE}; fewer when one run is very slow).")
    int runs;

    @Option(names = "--quick", description = "Tiny shapes (" + QUICK_SIZES + ") and few runs: a smoke test.")
    boolean quick;

    @Option(names = "--torch", paramLabel = "FILE", description = "PyTorch figures JSON (default: "
            + "tools/reference/results/torch-matmul.json when present).")
    Path torch;

    @Option(names = "--no-torch", description = "Do not print PyTorch figures.")
    boolean noTorch;

    record Shape(int m, int k, int n) {
        static Shape parse(String text) {
            String[] parts = text.trim().toLowerCase().split("x");
            try {
                if (parts.length == 1) {
                    int s = Integer.parseInt(parts[0]);
                    return new Shape(s, s, s);
                }
                if (parts.length == 3) {
                    return new Shape(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
                            Integer.parseInt(parts[2]));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException("--sizes: '" + text + "' is not a size n or a shape MxKxN");
        }

        long work() {
            return (long) m * k * n;
        }

        String label() {
            return m + "x" + k + "x" + n;
        }
    }

    /** PyTorch figures: where they came from, and GFLOP/s by shape label and thread count. */
    record TorchFigures(String origin, Map<String, Double> gflops) {
        Double get(Shape s, int threads) {
            return gflops.get(s.label() + "@" + threads);
        }

        static TorchFigures load(Path file) throws IOException {
            JsonNode doc = new ObjectMapper().readTree(file.toFile());
            JsonNode results = doc.path("results");
            if (!results.isArray()) {
                throw new IOException(file + ": no \"results\" array; re-record it with tools/reference/bench_matmul.py");
            }
            Map<String, Double> figures = new java.util.HashMap<>();
            for (JsonNode r : results) {
                String key = r.path("m").asLong() + "x" + r.path("k").asLong() + "x" + r.path("n").asLong() + "@"
                        + r.path("threads").asLong();
                figures.put(key, r.path("gflops").asDouble());
            }
            String env = doc.path("env").isObject() && !doc.path("env").isEmpty() ? ", env " + doc.path("env") : "";
            String origin = "torch " + doc.path("torch").asText() + " (BLAS: " + doc.path("blas").asText() + env
                    + ") on " + doc.path("cpu").asText() + ", " + doc.path("cores").asLong() + " cores, recorded "
                    + doc.path("date").asText() + " [" + file + "]";
            return new TorchFigures(origin, figures);
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Shape> shapes = new ArrayList<>();
        for (String s : (sizes != null ? sizes : quick ? QUICK_SIZES : DEFAULT_SIZES).split(",")) {
            try {
                shapes.add(Shape.parse(s));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        int runCount = quick ? Math.min(runs, 2) : Math.max(1, runs);
        int warmup = quick ? 1 : 2;
        // The JIT compiles the kernels during the first calls: warm up for a while, not just a few calls.
        long warmupNanos = quick ? 0 : 1_500_000_000L;
        int mt = Math.max(1, Math.min(threads != null ? threads : Parallel.threads(), Parallel.threads()));
        TorchFigures tf = null;
        Path torchFile = torch != null ? torch : Files.exists(DEFAULT_TORCH) ? DEFAULT_TORCH : null;
        if (!noTorch && torchFile != null) {
            tf = TorchFigures.load(torchFile);
        }

        out.printf("Lathe GEMM benchmark: C(M,N) = A(M,K) B(K,N), F32, row-major; GFLOP/s = 2MNK / median time%n");
        out.printf("engine: %s; pool %d threads; multi-threaded column uses %d; %d timed runs after %d warm-up%n",
                Simd.describe(), Parallel.threads(), mt, runCount, warmup);
        out.printf("this machine: %s, %d cores, java %s%n", cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        out.printf("PyTorch: %s%n", tf != null ? tf.origin()
                : "no figures (run /usr/bin/python3 tools/reference/bench_matmul.py or pass --torch FILE)");
        String header = String.format("%-14s %8s %9s %9s %6s %9s %9s %6s", "MxKxN", "naive", "lathe 1T", "torch 1T",
                "%", "lathe " + mt + "T", "torch " + mt + "T", "%");
        out.println(header);
        out.flush();

        SplittableRandom random = new SplittableRandom(42);
        for (Shape s : shapes) {
            try (Arena arena = Arena.ofShared()) {
                MemorySegment a = filled(arena, (long) s.m() * s.k(), random);
                MemorySegment b = filled(arena, (long) s.k() * s.n(), random);
                MemorySegment c = arena.allocate((long) s.m() * s.n() * 4, 64);
                double flops = 2.0 * s.work() / 1e9; // GFLOP
                String naive = "-";
                if (s.work() <= NAIVE_MAX_WORK) {
                    naive = fmt(flops / measure(() -> Gemm.gemmScalar(false, false, s.m(), s.n(), s.k(), 1f, a, 0,
                            s.k(), b, 0, s.n(), 0f, c, 0, s.n()), Math.min(runCount, 3), 1, warmupNanos));
                }
                double one = flops / measure(() -> Gemm.gemm(1, false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(), b,
                        DType.F32, 0, s.n(), 0f, c, 0, s.n()), runCount, warmup, warmupNanos);
                double many = flops / measure(() -> Gemm.gemm(mt, false, false, s.m(), s.n(), s.k(), 1f, a, 0, s.k(),
                        b, DType.F32, 0, s.n(), 0f, c, 0, s.n()), runCount, warmup, warmupNanos);
                Double t1 = tf == null ? null : tf.get(s, 1);
                Double tn = tf == null ? null : tf.get(s, mt);
                out.printf("%-14s %8s %9s %9s %6s %9s %9s %6s%n", s.label(), naive, fmt(one),
                        t1 == null ? "-" : fmt(t1), pct(one, t1), fmt(many), tn == null ? "-" : fmt(tn), pct(many, tn));
                out.flush();
            }
        }
        return 0;
    }

    /**
     * Median seconds of {@code runs} timed calls, after at least {@code warmup} untimed calls and at
     * least {@code warmupNanos} of them (the timed phase stops early after 20 s, with one run at least).
     */
    static double measure(Runnable op, int runs, int warmup, long warmupNanos) {
        long budget = 20_000_000_000L;
        long start = System.nanoTime();
        for (int i = 0; i < warmup || System.nanoTime() - start < warmupNanos; i++) {
            op.run();
        }
        double[] times = new double[runs];
        int done = 0;
        start = System.nanoTime();
        while (done < runs && (done == 0 || System.nanoTime() - start < budget)) {
            long t0 = System.nanoTime();
            op.run();
            times[done++] = (System.nanoTime() - t0) / 1e9;
        }
        double[] t = Arrays.copyOf(times, done);
        Arrays.sort(t);
        return done % 2 == 1 ? t[done / 2] : (t[done / 2 - 1] + t[done / 2]) / 2;
    }

    private static MemorySegment filled(Arena arena, long n, SplittableRandom random) {
        MemorySegment s = arena.allocate(n * 4, 64);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (random.nextDouble() * 2 - 1));
        }
        return s;
    }

    private static String fmt(double gflops) {
        return gflops >= 100 ? String.format("%.0f", gflops) : gflops >= 10 ? String.format("%.1f", gflops)
                : String.format("%.2f", gflops);
    }

    private static String pct(double ours, Double theirs) {
        return theirs == null || theirs <= 0 ? "-" : String.format("%.0f%%", 100 * ours / theirs);
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through
        }
        return System.getProperty("os.arch");
    }
}
