package dev.lathe.serve.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.generate.CancellationToken;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.Logprob;
import dev.lathe.models.generate.TokenLogprobs;
import dev.lathe.models.generate.SamplingParams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Continuous batching gives exactly what one-at-a-time generation gives, while really sharing decode steps. */
class SchedulerBatchingTest {
    private static final DecoderModel MODEL = TinyLlama.build();
    private static final Generator SEQUENTIAL = new Generator(TinyLlama.DECODER);

    static int[] prompt(int length, int salt) {
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = 3 + (i * 7 + salt * 13) % (TinyLlama.VOCAB - 3);
        }
        return p;
    }

    private static List<GenerationRequest> mixedRequests() {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SamplingParams params = i % 3 == 2
                    ? SamplingParams.builder().temperature(0.9f).topP(0.95f).seed(100L + i).maxTokens(10 + 7 * i)
                            .ignoreEos(true).build()
                    : SamplingParams.builder().temperature(0).maxTokens(10 + 7 * i).ignoreEos(true)
                            .stop(i == 4 ? List.of("zz") : List.of()).logprobs(i == 1).topLogprobs(i == 1 ? 3 : 0)
                            .build();
            out.add(new GenerationRequest(prompt(1 + 5 * i, i), params));
        }
        return out;
    }

    private static GenerationRequest withListener(GenerationRequest r, Recorder listener) {
        return new GenerationRequest(r.promptIds(), r.params(), listener, r.cancellation());
    }

    private static void assertSameGeneration(Generation batched, Generation alone, String what) {
        assertThat(batched.tokenIds()).as(what + " token ids").containsExactly(alone.tokenIds());
        assertThat(batched.text()).as(what + " text").isEqualTo(alone.text());
        assertThat(batched.finishReason()).as(what + " finish reason").isEqualTo(alone.finishReason());
        // Logprobs: same tokens and alternatives; values equal up to float rounding, since a batched
        // matrix product may sum in another order than a one-row product.
        assertThat(batched.logprobs()).as(what + " logprobs").hasSameSizeAs(alone.logprobs());
        for (int t = 0; t < alone.logprobs().size(); t++) {
            TokenLogprobs b = batched.logprobs().get(t);
            TokenLogprobs a = alone.logprobs().get(t);
            assertThat(b.tokenId()).isEqualTo(a.tokenId());
            assertThat(b.logprob()).as(what + " logprob " + t).isCloseTo(a.logprob(), within(1e-4f));
            assertThat(b.top()).extracting(Logprob::tokenId).containsExactlyElementsOf(
                    a.top().stream().map(Logprob::tokenId).toList());
        }
    }

    @Test
    void batchedResultsEqualSequentialResultsTokenForToken() throws Exception {
        List<GenerationRequest> requests = mixedRequests();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = new Scheduler(MODEL, TinyLlama.DECODER,
                SchedulerConfig.defaults().withMaxBatch(4), registry, "tiny")) {
            List<CompletableFuture<Generation>> futures = new ArrayList<>();
            List<Recorder> streams = new ArrayList<>();
            for (GenerationRequest r : requests) {
                Recorder rec = new Recorder();
                streams.add(rec);
                futures.add(scheduler.submit(withListener(r, rec)));
            }
            long tokens = 0;
            for (int i = 0; i < requests.size(); i++) {
                Generation batched = futures.get(i).get(30, TimeUnit.SECONDS);
                Generation alone = SEQUENTIAL.generate(MODEL, requests.get(i));
                assertSameGeneration(batched, alone, "request " + i);
                assertThat(streams.get(i).idArray()).containsExactly(batched.tokenIds());
                assertThat(streams.get(i).text.toString()).isEqualTo(batched.text());
                tokens += batched.completionTokens();
            }
            SchedulerStats stats = scheduler.stats();
            assertThat(stats.idle()).isTrue();
            assertThat(stats.completed()).isEqualTo(requests.size());
            assertThat(stats.completionTokens()).isEqualTo(tokens);
            // Shared steps: far fewer decode steps than tokens, and batches of up to maxBatch.
            assertThat(stats.decodeSteps()).isLessThan(tokens / 2);
            assertThat(registry.get("lathe.scheduler.batch.size").summary().max()).isEqualTo(4);
            assertThat(registry.get("lathe.scheduler.completion.tokens").counter().count()).isEqualTo(tokens);
            assertThat(registry.get("lathe.scheduler.time.to.first.token").tag("model", "tiny").timer().count())
                    .isEqualTo(requests.size());
        }
    }

    @Test
    void aRequestJoiningMidFlightSharesStepsAndChangesNoOnesOutput() throws Exception {
        GenerationRequest first = new GenerationRequest(prompt(9, 1),
                SamplingParams.builder().temperature(0).maxTokens(120).ignoreEos(true).build());
        GenerationRequest second = new GenerationRequest(prompt(4, 2),
                SamplingParams.builder().temperature(0.7f).seed(5L).maxTokens(30).ignoreEos(true).build());
        CountDownLatch tenTokens = new CountDownLatch(1);
        CountDownLatch secondSubmitted = new CountDownLatch(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = new Scheduler(MODEL, TinyLlama.DECODER, SchedulerConfig.defaults(), registry,
                "tiny")) {
            Recorder rec = new Recorder(n -> {
                if (n == 10) {
                    tenTokens.countDown();
                    await(secondSubmitted); // hold the scheduler so the join happens mid-flight for sure
                }
            });
            CompletableFuture<Generation> a = scheduler.submit(withListener(first, rec));
            assertThat(tenTokens.await(30, TimeUnit.SECONDS)).isTrue();
            Recorder recB = new Recorder();
            CompletableFuture<Generation> b = scheduler.submit(withListener(second, recB));
            secondSubmitted.countDown();
            Generation genB = b.get(30, TimeUnit.SECONDS);
            Generation genA = a.get(30, TimeUnit.SECONDS);
            assertSameGeneration(genA, SEQUENTIAL.generate(MODEL, first), "first");
            assertSameGeneration(genB, SEQUENTIAL.generate(MODEL, second), "second");
            assertThat(a.isDone() && genB.completionTokens() == 30).isTrue();
            assertThat(registry.get("lathe.scheduler.batch.size").summary().max()).isEqualTo(2);
            assertThat(scheduler.stats().decodeSteps()).isLessThan(120 + 30 - 2);
        }
    }

    @Test
    void thePrefillBudgetSpreadsAdmissionsOverSteps() throws Exception {
        assertThat(decodeStepsAtFirstTokens(8)).containsExactly(1L, 2L, 3L, 4L);
        assertThat(decodeStepsAtFirstTokens(32)).containsExactly(1L, 1L, 1L, 1L);
    }

    /** Four 8-token prompts queued behind a running one: the decode step count when each streams its first token. */
    private static List<Long> decodeStepsAtFirstTokens(int prefillBudget) throws Exception {
        SchedulerConfig config = SchedulerConfig.defaults().withMaxPrefillTokensPerStep(prefillBudget);
        try (Scheduler scheduler = new Scheduler(MODEL, null, config, new SimpleMeterRegistry(), "tiny")) {
            CountDownLatch queued = new CountDownLatch(1);
            CountDownLatch gateStarted = new CountDownLatch(1);
            CancellationToken stopGate = new CancellationToken();
            Recorder gate = new Recorder(n -> {
                if (n == 1) {
                    gateStarted.countDown();
                    await(queued);
                }
            });
            CompletableFuture<Generation> gateDone = scheduler.submit(new GenerationRequest(prompt(2, 9),
                    SamplingParams.builder().temperature(0).maxTokens(200).ignoreEos(true).build(), gate, stopGate));
            assertThat(gateStarted.await(30, TimeUnit.SECONDS)).isTrue();
            List<Long> steps = new ArrayList<>();
            List<CompletableFuture<Generation>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Recorder rec = new Recorder(n -> {
                    if (n == 1) {
                        synchronized (steps) {
                            steps.add(scheduler.stats().decodeSteps());
                        }
                    }
                });
                futures.add(scheduler.submit(new GenerationRequest(prompt(8, i), SamplingParams.greedy(3), rec, null)));
            }
            queued.countDown();
            for (CompletableFuture<Generation> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            stopGate.cancel();
            assertThat(gateDone.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.CANCELLED);
            synchronized (steps) {
                return List.copyOf(steps);
            }
        }
    }

    static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out waiting for the test to proceed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
