package dev.lathe.serve.scheduler;

import static dev.lathe.serve.scheduler.SchedulerBatchingTest.await;
import static dev.lathe.serve.scheduler.SchedulerBatchingTest.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.family.DecoderModel;
import dev.lathe.models.generate.CancellationToken;
import dev.lathe.models.generate.FinishReason;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.Generator;
import dev.lathe.models.generate.SamplingParams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cancellation, overload, timeouts, failures and shutdown: every request is answered exactly once. */
class SchedulerLifecycleTest {
    private static final DecoderModel MODEL = TinyLlama.build();

    private static SamplingParams longGreedy() {
        return SamplingParams.builder().temperature(0).maxTokens(200).ignoreEos(true).build();
    }

    private static Scheduler scheduler(SchedulerConfig config, SimpleMeterRegistry registry) {
        return new Scheduler(MODEL, TinyLlama.DECODER, config, registry, "tiny");
    }

    private static double requests(SimpleMeterRegistry registry, String finishReason) {
        return registry.get("lathe.scheduler.requests").tag("finish_reason", finishReason).counter().count();
    }

    private static void awaitIdle(Scheduler scheduler) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!scheduler.stats().idle() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertThat(scheduler.stats().idle()).as("idle: " + scheduler.stats()).isTrue();
    }

    @Test
    void cancellingARunningRequestFreesItsSlotForTheNextQueuedOne() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler s = scheduler(SchedulerConfig.defaults().withMaxBatch(1), registry)) {
            CancellationToken cancelA = new CancellationToken();
            AtomicInteger tokensAtCancel = new AtomicInteger();
            Recorder recA = new Recorder(n -> {
                if (n == 5) {
                    cancelA.cancel(); // as a client disconnect would, from the stream
                    tokensAtCancel.set(n);
                }
            });
            CompletableFuture<Generation> a = s.submit(new GenerationRequest(prompt(3, 1), longGreedy(), recA, cancelA));
            Recorder recB = new Recorder();
            CompletableFuture<Generation> b = s.submit(new GenerationRequest(prompt(3, 2), SamplingParams.greedy(4),
                    recB, null));
            Generation genA = a.get(30, TimeUnit.SECONDS);
            assertThat(genA.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(genA.completionTokens()).isEqualTo(tokensAtCancel.get()); // no step after the cancel
            assertThat(recA.count()).isEqualTo(5);
            Generation genB = b.get(30, TimeUnit.SECONDS);
            assertThat(genB.completionTokens()).isEqualTo(4);
            assertThat(s.stats().lastBatchSize()).isEqualTo(1);
            assertThat(requests(registry, "cancelled")).isEqualTo(1);
            assertThat(requests(registry, "length")).isEqualTo(1);
        }
    }

    @Test
    void aRequestCancelledWhileQueuedFinishesWithoutModelWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Scheduler s = scheduler(SchedulerConfig.defaults().withMaxBatch(1), new SimpleMeterRegistry())) {
            CompletableFuture<Generation> a = s.submit(new GenerationRequest(prompt(3, 1), SamplingParams.greedy(3),
                    new Recorder(n -> {
                        started.countDown();
                        await(release);
                    }), null));
            await(started);
            CancellationToken cancelB = new CancellationToken();
            Recorder recB = new Recorder();
            CompletableFuture<Generation> b = s.submit(new GenerationRequest(prompt(3, 2), longGreedy(), recB, cancelB));
            cancelB.cancel();
            release.countDown();
            Generation genB = b.get(30, TimeUnit.SECONDS);
            assertThat(genB.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(genB.completionTokens()).isZero();
            assertThat(recB.count()).isZero();
            assertThat(a.get(30, TimeUnit.SECONDS).completionTokens()).isEqualTo(3);
            assertThat(s.stats().promptTokens()).isEqualTo(3); // only A was prefilled
        }
    }

    @Test
    void aFullQueueRefusesWithRetryAfterAndLaterRequestsAreServed() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Scheduler s = scheduler(SchedulerConfig.defaults().withMaxBatch(1).withQueueCapacity(2),
                new SimpleMeterRegistry())) {
            CompletableFuture<Generation> a = s.submit(new GenerationRequest(prompt(3, 1), SamplingParams.greedy(3),
                    new Recorder(n -> {
                        started.countDown();
                        await(release);
                    }), null));
            await(started); // A holds the only slot (and the scheduler thread)
            CompletableFuture<Generation> b = s.submit(new GenerationRequest(prompt(3, 2), SamplingParams.greedy(2)));
            CompletableFuture<Generation> c = s.submit(new GenerationRequest(prompt(3, 3), SamplingParams.greedy(2)));
            assertThat(s.stats().queueDepth()).isEqualTo(2);
            assertThatThrownBy(() -> s.submit(new GenerationRequest(prompt(3, 4), SamplingParams.greedy(2))))
                    .isInstanceOfSatisfying(QueueFullException.class,
                            e -> assertThat(e.retryAfterSeconds()).isBetween(1, 600))
                    .hasMessageContaining("'tiny'").hasMessageContaining("2 requests");
            release.countDown();
            for (CompletableFuture<Generation> f : List.of(a, b, c)) {
                assertThat(f.get(30, TimeUnit.SECONDS).finishReason()).isEqualTo(FinishReason.LENGTH);
            }
            assertThat(s.submit(new GenerationRequest(prompt(3, 5), SamplingParams.greedy(2))).get(30, TimeUnit.SECONDS)
                    .completionTokens()).isEqualTo(2);
            SchedulerStats stats = s.stats();
            assertThat(stats.rejected()).isEqualTo(1);
            assertThat(stats.submitted()).isEqualTo(4);
            assertThat(stats.completed()).isEqualTo(4);
        }
    }

    @Test
    void requestsPastTheTimeoutFailWithTheirPartialGeneration() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SchedulerConfig config = SchedulerConfig.defaults().withMaxBatch(1).withRequestTimeout(Duration.ofMillis(300));
        try (Scheduler s = scheduler(config, registry)) {
            Recorder slow = new Recorder(n -> sleep(20));
            CompletableFuture<Generation> running = s.submit(new GenerationRequest(prompt(3, 1), longGreedy(), slow, null));
            CompletableFuture<Generation> queued = s.submit(new GenerationRequest(prompt(3, 2), longGreedy()));
            for (CompletableFuture<Generation> f : List.of(running, queued)) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RequestTimeoutException.class).hasMessageContaining("PT0.3S");
            }
            Generation partial = timeoutOf(running).partial();
            assertThat(partial.finishReason()).isEqualTo(FinishReason.CANCELLED);
            assertThat(partial.completionTokens()).isBetween(1, 199).isEqualTo(slow.count());
            assertThat(timeoutOf(queued).partial().completionTokens()).isZero();
            assertThat(requests(registry, "timeout")).isEqualTo(2);
            awaitIdle(s);
        }
    }

    private static RequestTimeoutException timeoutOf(CompletableFuture<Generation> f) {
        return (RequestTimeoutException) f.exceptionNow();
    }

    @Test
    void aListenerThatThrowsFailsOnlyItsOwnRequest() throws Exception {
        Generator sequential = new Generator(TinyLlama.DECODER);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler s = scheduler(SchedulerConfig.defaults(), registry)) {
            List<GenerationRequest> good = List.of(
                    new GenerationRequest(prompt(4, 1), SamplingParams.greedy(40)),
                    new GenerationRequest(prompt(6, 2), SamplingParams.greedy(40)));
            IllegalStateException boom = new IllegalStateException("client stream broke");
            Recorder bad = new Recorder(n -> {
                if (n == 3) {
                    throw boom;
                }
            });
            CompletableFuture<Generation> g0 = s.submit(good.get(0));
            CompletableFuture<Generation> failing = s.submit(new GenerationRequest(prompt(5, 3), longGreedy(), bad, null));
            CompletableFuture<Generation> g1 = s.submit(good.get(1));
            assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS)).cause().isSameAs(boom);
            assertThat(bad.count()).isEqualTo(2); // no token after the failure
            assertThat(g0.get(30, TimeUnit.SECONDS).tokenIds())
                    .containsExactly(sequential.generate(MODEL, good.get(0)).tokenIds());
            assertThat(g1.get(30, TimeUnit.SECONDS).tokenIds())
                    .containsExactly(sequential.generate(MODEL, good.get(1)).tokenIds());
            // A listener failing on its very first token (during the prefill) too.
            CompletableFuture<Generation> early = s.submit(new GenerationRequest(prompt(5, 4), longGreedy(),
                    (id, d, lp) -> { throw boom; }, null));
            assertThatThrownBy(() -> early.get(30, TimeUnit.SECONDS)).cause().isSameAs(boom);
            assertThat(s.submit(good.get(0)).get(30, TimeUnit.SECONDS).completionTokens()).isEqualTo(40);
            assertThat(requests(registry, "error")).isEqualTo(2);
            awaitIdle(s);
        }
    }

    @Test
    void anOverlongRequestIsRejectedBeforeQueueing() {
        try (Scheduler s = scheduler(SchedulerConfig.defaults(), new SimpleMeterRegistry())) {
            GenerationRequest tooLong = new GenerationRequest(prompt(200, 1), SamplingParams.greedy(100));
            assertThatThrownBy(() -> s.validate(tooLong)).isInstanceOfSatisfying(ContextLengthExceededException.class,
                    e -> assertThat(e.limit()).isEqualTo(TinyLlama.CONTEXT));
            assertThatThrownBy(() -> s.submit(tooLong)).isInstanceOf(ContextLengthExceededException.class);
            assertThatThrownBy(() -> s.validate(new GenerationRequest(new int[] {TinyLlama.VOCAB}, SamplingParams.greedy(1))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside the vocabulary");
            assertThat(s.stats().submitted()).isZero();
        }
    }

    @Test
    void closingFailsQueuedAndRunningWorkAndRefusesMore() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch started = new CountDownLatch(1);
        Scheduler s = scheduler(SchedulerConfig.defaults().withMaxBatch(1), registry);
        CompletableFuture<Generation> running = s.submit(new GenerationRequest(prompt(3, 1), longGreedy(),
                new Recorder(n -> {
                    started.countDown();
                    sleep(2);
                }), null));
        await(started);
        CompletableFuture<Generation> queued = s.submit(new GenerationRequest(prompt(3, 2), longGreedy()));
        s.close();
        for (CompletableFuture<Generation> f : List.of(running, queued)) {
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::join).cause().isInstanceOf(SchedulerClosedException.class);
        }
        assertThatThrownBy(() -> s.submit(new GenerationRequest(prompt(3, 3), SamplingParams.greedy(2))))
                .isInstanceOf(SchedulerClosedException.class);
        assertThat(registry.find("lathe.scheduler.queue.depth").meters()).isEmpty();
        s.close(); // idempotent
    }

    @Test
    void thirtyTwoConcurrentClientsSomeCancellingAreEachAnsweredExactlyOnce() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        int clients = 32;
        try (Scheduler s = scheduler(SchedulerConfig.defaults().withMaxBatch(8).withQueueCapacity(64), registry)) {
            List<Thread> threads = new ArrayList<>();
            List<Recorder> streams = new ArrayList<>();
            List<CompletableFuture<Generation>> futures = new ArrayList<>();
            AtomicInteger callbacks = new AtomicInteger();
            for (int i = 0; i < clients; i++) {
                int id = i;
                CancellationToken cancel = new CancellationToken();
                Recorder rec = new Recorder(n -> {
                    if (id % 4 == 1 && n == 1 + id % 7) {
                        cancel.cancel(); // disconnects midway, from its stream
                    }
                });
                streams.add(rec);
                futures.add(null);
                threads.add(Thread.ofPlatform().start(() -> {
                    CompletableFuture<Generation> f = s.submit(new GenerationRequest(prompt(1 + id % 9, id),
                            SamplingParams.builder().temperature(id % 2 == 0 ? 0 : 0.8f).seed((long) id)
                                    .maxTokens(5 + id % 23).build(), rec, cancel));
                    f.whenComplete((g, e) -> callbacks.incrementAndGet());
                    synchronized (futures) {
                        futures.set(id, f);
                    }
                    if (id % 4 == 3) {
                        sleep(id % 5);
                        cancel.cancel(); // disconnects from outside, queued or running
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            int cancelled = 0;
            for (int i = 0; i < clients; i++) {
                Generation g = futures.get(i).get(30, TimeUnit.SECONDS);
                assertThat(streams.get(i).idArray()).as("stream " + i).containsExactly(g.tokenIds());
                assertThat(streams.get(i).text.toString()).isEqualTo(g.text());
                if (i % 4 == 1) {
                    assertThat(g.finishReason()).isIn(FinishReason.CANCELLED, FinishReason.LENGTH, FinishReason.EOS);
                }
                cancelled += g.finishReason() == FinishReason.CANCELLED ? 1 : 0;
            }
            awaitIdle(s);
            assertThat(callbacks.get()).isEqualTo(clients);
            SchedulerStats stats = s.stats();
            assertThat(stats.submitted()).isEqualTo(clients);
            assertThat(stats.completed()).isEqualTo(clients);
            assertThat(stats.failed()).isZero();
            double answered = registry.get("lathe.scheduler.requests").counters().stream()
                    .mapToDouble(c -> c.count()).sum();
            assertThat(answered).isEqualTo(clients);
            assertThat(requests(registry, "cancelled")).isEqualTo(cancelled).isGreaterThan(0);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
