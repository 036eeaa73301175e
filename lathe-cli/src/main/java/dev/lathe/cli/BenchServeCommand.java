package dev.lathe.cli;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.load.LoadedModel;
import dev.lathe.serve.scheduler.Scheduler;
import dev.lathe.serve.scheduler.SchedulerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lathe bench serve}: what continuous batching buys. For each concurrency level, that many
 * clients (threads) each send {@code --requests} requests one after another to a fresh {@link Scheduler}
 * (random prompt ids, greedy, EOS ignored, so every request generates exactly {@code --new-tokens}); the
 * figures are the aggregate output tokens per second over the round's wall time and the time to first
 * token (submission to first streamed token, queueing and prefill included) at p50 and p99 over all
 * requests of the round. The scheduler is driven in-process: no HTTP, JSON or network costs are in
 * these figures. A warm-up round runs first (JIT, page-in).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Aggregate output tok/s and time to first token of the continuous-batching scheduler at "
                + "several concurrency levels, on a model or a random Llama built in memory (--random-llama 110m)."})
final class BenchServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "MODEL", description = "A model, as for lathe generate.")
    String model;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer .bin (llama2.c input).")
    Path tokenizer;

    @Option(names = "--random-llama", paramLabel = "SIZE", description = "A random-weight Llama instead of --model: "
            + "110m, 15m or tiny (as lathe bench generate).")
    String randomLlama;

    @Option(names = "--concurrency", paramLabel = "N,N,...", split = ",", defaultValue = "1,4,16",
            description = "Concurrent clients per round (default ${DEFAULT-VALUE}).")
    int[] concurrency;

    @Option(names = "--requests", paramLabel = "N", defaultValue = "4",
            description = "Requests each client sends, one after another (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "64", description = "Prompt length (default ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", paramLabel = "N", defaultValue = "64", description = "Tokens generated per request (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "16", description = "Scheduler's max batch (default ${DEFAULT-VALUE}).")
    int maxBatch;

    /** One round's figures. */
    record Round(int clients, int requests, long tokens, double seconds, double[] ttftMillis, double meanBatch) {
        double tokensPerSecond() {
            return tokens / seconds;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        return CliSupport.guard(err, "bench serve", () -> {
            if ((model == null) == (randomLlama == null)) {
                throw new IllegalArgumentException("give either --model MODEL or --random-llama SIZE");
            }
            if (requests < 1 || promptTokens < 1 || newTokens < 1 || maxBatch < 1) {
                throw new IllegalArgumentException("--requests, --prompt-tokens, --new-tokens and --max-batch must be >= 1");
            }
            for (int c : concurrency) {
                if (c < 1) {
                    throw new IllegalArgumentException("--concurrency levels must be >= 1, got " + c);
                }
            }
            if (randomLlama != null) {
                long t0 = System.nanoTime();
                DecoderModel m = BenchGenerateCommand.randomLlama(randomLlama);
                out.printf(Locale.ROOT, "model: random Llama %s (%,d parameters, F32 in memory, %.1f s to build)%n",
                        randomLlama, BenchGenerateCommand.parameters(m.config()), (System.nanoTime() - t0) / 1e9);
                bench(out, m);
            } else {
                try (LoadedModel m = CliSupport.loader(err).load(dev.lathe.models.load.ModelSpec.parse(model, tokenizer))) {
                    out.printf(Locale.ROOT, "model: %s (%s)%n", model, m.config().family());
                    bench(out, m.model());
                }
            }
            return 0;
        });
    }

    private void bench(PrintWriter out, CausalLanguageModel m) throws Exception {
        if (promptTokens + newTokens > m.contextLength()) {
            throw new IllegalArgumentException("--prompt-tokens + --new-tokens = " + (promptTokens + newTokens)
                    + " exceeds the model's context of " + m.contextLength());
        }
        out.printf(Locale.ROOT, "scheduler in-process (no HTTP; the HTTP path adds its own costs), max batch %d, "
                        + "prompt %d tokens, %d new tokens per request, %d request(s) per client, %d engine threads%n",
                maxBatch, promptTokens, newTokens, requests, dev.lathe.engine.kernel.Parallel.threads());
        out.flush();
        round(m, Math.min(4, maxBatch), 1); // warm-up: JIT of prefill, batched decode and sampling
        out.printf(Locale.ROOT, "%-11s %8s %8s %12s %12s %12s %10s%n", "concurrency", "requests", "tokens",
                "output tok/s", "TTFT p50 ms", "TTFT p99 ms", "mean batch");
        List<Round> rounds = new ArrayList<>();
        for (int c : concurrency) {
            Round r = round(m, c, requests);
            rounds.add(r);
            out.printf(Locale.ROOT, "%-11d %8d %8d %12.1f %12.0f %12.0f %10.1f%n", c, r.requests(), r.tokens(),
                    r.tokensPerSecond(), percentile(r.ttftMillis(), 50), percentile(r.ttftMillis(), 99), r.meanBatch());
            out.flush();
        }
        Round first = rounds.getFirst();
        Round last = rounds.getLast();
        if (rounds.size() > 1) {
            out.printf(Locale.ROOT, "aggregate throughput at concurrency %d is %.2fx that at %d%n", last.clients(),
                    last.tokensPerSecond() / first.tokensPerSecond(), first.clients());
        }
        out.println("(p99 is the nearest rank: with few requests per round it is their maximum)");
        out.flush();
    }

    /** {@code clients} threads, each sending {@code perClient} requests in turn to a fresh scheduler. */
    private Round round(CausalLanguageModel m, int clients, int perClient) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchedulerConfig config = SchedulerConfig.defaults().withMaxBatch(maxBatch)
                .withQueueCapacity(Math.max(clients, SchedulerConfig.DEFAULT_QUEUE_CAPACITY));
        SamplingParams params = SamplingParams.builder().temperature(0).maxTokens(newTokens).ignoreEos(true).build();
        double[] ttft = new double[clients * perClient];
        AtomicLong tokens = new AtomicLong();
        try (Scheduler scheduler = new Scheduler(m, null, config, registry, "bench")) {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < clients; c++) {
                int client = c;
                CompletableFuture<Void> f = new CompletableFuture<>();
                done.add(f);
                Thread.ofPlatform().name("bench-client-" + c).daemon(true).start(() -> {
                    try {
                        for (int i = 0; i < perClient; i++) {
                            int slot = client * perClient + i;
                            int[] prompt = new SplittableRandom(slot).ints(promptTokens,
                                    Math.min(3, m.vocabSize() - 1), m.vocabSize()).toArray();
                            long submitted = System.nanoTime();
                            long[] first = {0};
                            Generation g = scheduler.submit(new GenerationRequest(prompt, params, (id, delta, lp) -> {
                                if (first[0] == 0) {
                                    first[0] = System.nanoTime();
                                }
                            }, null)).get();
                            ttft[slot] = (first[0] - submitted) / 1e6;
                            tokens.addAndGet(g.completionTokens());
                        }
                        f.complete(null);
                    } catch (Throwable t) {
                        f.completeExceptionally(t);
                    }
                });
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get();
            double seconds = (System.nanoTime() - start) / 1e9;
            double meanBatch = registry.get("lathe.scheduler.batch.size").summary().mean();
            return new Round(clients, clients * perClient, tokens.get(), seconds, ttft, meanBatch);
        }
    }

    /** Nearest-rank percentile. */
    static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        int rank = (int) Math.ceil(p / 100 * s.length);
        return s[Math.max(0, Math.min(s.length - 1, rank - 1))];
    }
}
