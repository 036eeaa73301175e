package dev.lathe.serve.scheduler;

import dev.lathe.models.CausalLanguageModel;
import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.generate.BatchStep;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.SequenceState;
import dev.lathe.models.generate.TokenDecoder;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Continuous batching for one served model: requests from any thread are queued, and one scheduler
 * thread, which alone owns the running sequences, loops over steps. Each step it
 * <ol>
 *   <li>stops what must stop: queued or running requests whose caller cancelled (a client disconnect)
 *       or whose {@link SchedulerConfig#requestTimeout() timeout} passed; their slots are free for this
 *       very step;
 *   <li>admits queued requests in arrival order while the batch has room, prefilling at most
 *       {@link SchedulerConfig#maxPrefillTokensPerStep()} prompt tokens (but always one prompt, so a long
 *       prompt is never starved), so that arrivals do not stall the running streams for long;
 *   <li>advances every running sequence by one token with a single batched decode
 *       ({@link BatchStep#step()}, one {@link CausalLanguageModel#decodeBatch} call), and completes the
 *       futures of those that finished.
 * </ol>
 * Prompts are prefilled whole, one forward pass each: {@link SequenceState} has no chunked prefill yet.
 *
 * <p>Streaming: each token reaches the request's {@link dev.lathe.models.generate.TokenListener} on the
 * scheduler thread, in the middle of a step, so listeners must be quick and must not block (hand the
 * delta to the client's connection or a queue); every listener call delays all running sequences. A
 * listener may cancel its own request's token. A listener that throws fails its own request only: the
 * future completes exceptionally with what it threw, and it receives no further tokens.
 *
 * <p>Outcomes of {@link #submit}, each exactly once:
 * <ul>
 *   <li>the future completes with the {@link Generation} for every finish reason, {@link
 *       dev.lathe.models.generate.FinishReason#CANCELLED} included (the caller cancelled; tokens so far kept);
 *   <li>it fails with {@link RequestTimeoutException} (holding the partial generation) when the request
 *       ran past the timeout, with the model's exception when prefill or decoding failed (a failing decode
 *       step fails every sequence in that step, since their caches are then in an unknown state), with the
 *       listener's exception, or with {@link SchedulerClosedException} when the scheduler closed first.
 * </ul>
 * The future completes on the scheduler thread: attach dependent work with the {@code *Async} methods.
 * The scheduler thread survives every failure of a request, a listener or the model.
 */
public final class Scheduler implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Scheduler.class.getName());
    private static final long IDLE_POLL_MILLIS = 50;

    private final CausalLanguageModel model;
    private final TokenDecoder decoder;
    private final SchedulerConfig config;
    private final String modelName;
    private final SchedulerMetrics metrics;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();

    // Hand-over from submitters to the scheduler thread; `queued` counts these plus `waiting`.
    private final LinkedBlockingQueue<ScheduledRequest> incoming = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();

    // Owned by the scheduler thread.
    private final ArrayDeque<ScheduledRequest> waiting = new ArrayDeque<>();
    private final Map<SequenceState, ScheduledRequest> running = new IdentityHashMap<>();
    private BatchStep batch;

    // Published for stats() and the gauges.
    private volatile int activeSequences;
    private volatile int lastBatchSize;
    private volatile double secondsPerRequest = 1; // moving average, for Retry-After
    private final LongAdder submitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder completionTokens = new LongAdder();
    private final LongAdder decodeSteps = new LongAdder();

    /**
     * Starts the scheduler thread for {@code model}.
     *
     * @param decoder turns ids into text for streaming and stop sequences; null to generate ids only
     * @param registry where the meters go, each tagged {@code model=modelName}
     * @param modelName the served model's name (metrics tag, thread name, messages)
     */
    public Scheduler(CausalLanguageModel model, TokenDecoder decoder, SchedulerConfig config, MeterRegistry registry,
            String modelName) {
        this.model = Objects.requireNonNull(model, "model");
        this.decoder = decoder;
        this.config = Objects.requireNonNull(config, "config");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.metrics = new SchedulerMetrics(Objects.requireNonNull(registry, "registry"), modelName, this,
                s -> s.queued.get(), s -> s.activeSequences);
        this.batch = new BatchStep(model);
        this.thread = Thread.ofPlatform().name("lathe-scheduler-" + modelName).daemon(true).unstarted(this::loop);
        thread.start();
    }

    public String modelName() {
        return modelName;
    }

    public SchedulerConfig config() {
        return config;
    }

    /**
     * Checks {@code request} against the model without queueing it: prompt ids and logit-bias ids inside
     * the vocabulary, stop sequences only with a decoder, prompt + max tokens within the context.
     *
     * @throws ContextLengthExceededException when prompt + max tokens exceeds the context (unless
     *     {@code fitToContext}); the server answers 400 {@code context_length_exceeded}
     * @throws IllegalArgumentException for any other invalid request, naming what is wrong
     */
    public void validate(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        new SequenceState(model, request, decoder);
    }

    /**
     * Validates and queues {@code request}; tokens stream to its listener as they come (see the class
     * comment for the rules listeners follow and for how the future completes). Cancelling
     * {@code request.cancellation()} stops it at the next step, queued or running.
     *
     * @throws ContextLengthExceededException as {@link #validate}, before anything is queued
     * @throws IllegalArgumentException as {@link #validate}
     * @throws QueueFullException when the queue holds {@link SchedulerConfig#queueCapacity()} requests
     *     beyond the free batch slots
     * @throws SchedulerClosedException after {@link #close()}
     */
    public CompletableFuture<Generation> submit(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        if (closed.get()) {
            throw new SchedulerClosedException(modelName);
        }
        long now = System.nanoTime();
        ScheduledRequest r = new ScheduledRequest(model, decoder, request, metrics, now,
                config.requestTimeout().toNanos());
        int limit = config.queueCapacity() + Math.max(0, config.maxBatch() - activeSequences);
        if (queued.incrementAndGet() > limit) {
            queued.decrementAndGet();
            rejected.increment();
            throw new QueueFullException(modelName, config.queueCapacity(), retryAfterSeconds());
        }
        submitted.increment();
        incoming.add(r);
        if (closed.get() && incoming.remove(r)) { // closed meanwhile, and the closing drain missed it
            queued.decrementAndGet();
            throw new SchedulerClosedException(modelName);
        }
        return r.future;
    }

    /** A guess at when the queue will have room: the queued batches times the recent request duration. */
    private int retryAfterSeconds() {
        double batches = (double) queued.get() / config.maxBatch() + 1;
        return (int) Math.min(600, Math.max(1, Math.ceil(batches * secondsPerRequest)));
    }

    public SchedulerStats stats() {
        return new SchedulerStats(queued.get(), activeSequences, lastBatchSize, submitted.sum(), rejected.sum(),
                completed.sum(), failed.sum(), promptTokens.sum(), completionTokens.sum(), decodeSteps.sum());
    }

    /**
     * Stops the scheduler thread after its current step; requests still queued or running fail with
     * {@link SchedulerClosedException}, later submissions are refused, and the meters leave the registry.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            drainClosed(); // submissions that slipped in while the thread was leaving
        }
    }

    // ------------------------------------------------------------------ the scheduler thread

    private void loop() {
        while (!closed.get()) {
            try {
                takeIncoming();
                if (closed.get()) {
                    break;
                }
                long now = System.nanoTime();
                stopWaiting(now);
                stopRunning(now);
                admit();
                decode();
            } catch (Throwable t) { // a bug of ours: fail the running work, keep serving
                LOG.log(System.Logger.Level.ERROR, "scheduler of model '" + modelName + "' failed a step", t);
                failAllRunning(t);
            }
            activeSequences = running.size();
        }
        for (ScheduledRequest r : running.values()) {
            closeOut(r);
        }
        running.clear();
        activeSequences = 0;
        for (ScheduledRequest r : waiting) {
            queued.decrementAndGet();
            closeOut(r);
        }
        waiting.clear();
        drainClosed();
        metrics.remove();
    }

    /** Moves new submissions to {@code waiting}; blocks briefly when there is nothing else to do. */
    private void takeIncoming() throws InterruptedException {
        if (running.isEmpty() && waiting.isEmpty()) {
            ScheduledRequest r = incoming.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (r != null) {
                waiting.add(r);
            }
        }
        incoming.drainTo(waiting);
    }

    /** Queued requests that were cancelled or timed out finish now, without any model work. */
    private void stopWaiting(long now) {
        for (Iterator<ScheduledRequest> it = waiting.iterator(); it.hasNext(); ) {
            ScheduledRequest r = it.next();
            if (r.shouldStop(now)) {
                it.remove();
                queued.decrementAndGet();
                batch.add(r.sequence); // sees the stop before any model work: finishes CANCELLED, no tokens
                settle(r);
            }
        }
    }

    /** Running requests that were cancelled or timed out are marked; the next {@link BatchStep#step} drops them. */
    private void stopRunning(long now) {
        for (ScheduledRequest r : running.values()) {
            r.shouldStop(now);
        }
    }

    private void admit() {
        int budget = config.maxPrefillTokensPerStep();
        boolean admittedOne = false;
        while (running.size() < config.maxBatch() && !waiting.isEmpty()) {
            ScheduledRequest r = waiting.peekFirst();
            if (admittedOne && r.promptTokens() > budget) {
                break; // the rest waits for the next step, after the running sequences advanced
            }
            waiting.pollFirst();
            queued.decrementAndGet();
            admittedOne = true;
            budget -= r.promptTokens();
            activeSequences = running.size() + 1; // prefilling counts as active (its slot is taken)
            boolean joined;
            try {
                joined = batch.add(r.sequence);
            } catch (Throwable t) {
                fail(r, t);
                continue;
            }
            promptTokens.add(r.promptTokens());
            metrics.promptTokens.increment(r.promptTokens());
            if (joined && r.listenerFailure != null) {
                batch.remove(r.sequence);
                joined = false;
            }
            if (joined) {
                running.put(r.sequence, r);
            } else {
                settle(r);
            }
        }
        activeSequences = running.size();
    }

    private void decode() {
        if (batch.isEmpty()) {
            return;
        }
        int decoding = 0;
        for (ScheduledRequest r : running.values()) {
            if (!r.stop.isCancelled()) {
                decoding++;
            }
        }
        List<SequenceState> finished;
        try {
            finished = batch.step();
        } catch (Throwable t) {
            failAllRunning(t);
            return;
        }
        if (decoding > 0) {
            lastBatchSize = decoding;
            metrics.batchSize.record(decoding);
            decodeSteps.increment();
        }
        for (SequenceState s : finished) {
            settle(running.remove(s));
        }
        for (Iterator<ScheduledRequest> it = running.values().iterator(); it.hasNext(); ) {
            ScheduledRequest r = it.next();
            if (r.listenerFailure != null) { // failed mid-step: leave now rather than decode once more
                batch.remove(r.sequence);
                it.remove();
                settle(r);
            }
        }
        activeSequences = running.size();
    }

    /** A failed step leaves every cache in an unknown state: fail those requests and start a fresh batch. */
    private void failAllRunning(Throwable t) {
        List<ScheduledRequest> all = new ArrayList<>(running.values());
        running.clear();
        batch = new BatchStep(model);
        for (ScheduledRequest r : all) {
            fail(r, t);
        }
        activeSequences = 0;
    }

    /** Completes a request that left the batch (or never joined it) according to why it stopped. */
    private void settle(ScheduledRequest r) {
        Generation g = r.sequence.result();
        completionTokens.add(g.completionTokens());
        if (r.listenerFailure != null) {
            fail(r, r.listenerFailure);
        } else if (r.timedOut) {
            metrics.timedOut();
            failed.increment();
            r.future.completeExceptionally(new RequestTimeoutException(config.requestTimeout(), g));
        } else {
            metrics.finished(g.finishReason());
            completed.increment();
            observeDuration(r);
            r.future.complete(g);
        }
    }

    private void fail(ScheduledRequest r, Throwable t) {
        metrics.failed();
        failed.increment();
        r.future.completeExceptionally(t);
    }

    private void closeOut(ScheduledRequest r) {
        metrics.closed();
        failed.increment();
        r.future.completeExceptionally(new SchedulerClosedException(modelName));
    }

    private void drainClosed() {
        for (ScheduledRequest r; (r = incoming.poll()) != null; ) {
            queued.decrementAndGet();
            closeOut(r);
        }
    }

    private void observeDuration(ScheduledRequest r) {
        double seconds = (System.nanoTime() - r.submittedNanos) / 1e9;
        secondsPerRequest = 0.9 * secondsPerRequest + 0.1 * seconds;
    }
}
