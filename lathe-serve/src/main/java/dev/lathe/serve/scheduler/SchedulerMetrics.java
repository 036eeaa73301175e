package dev.lathe.serve.scheduler;

import dev.lathe.models.generate.FinishReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The Micrometer meters of one {@link Scheduler}, every one tagged {@code model}. Prometheus names
 * (dots become underscores, units are suffixed): {@code lathe_scheduler_queue_depth},
 * {@code lathe_scheduler_active_sequences}, {@code lathe_scheduler_batch_size} (sequences per decode
 * step), {@code lathe_scheduler_time_to_first_token_seconds} (submission to first token, queueing
 * included), {@code lathe_scheduler_inter_token_latency_seconds}, {@code lathe_scheduler_prompt_tokens_total},
 * {@code lathe_scheduler_completion_tokens_total} and {@code lathe_scheduler_requests_total} by
 * {@code finish_reason} (stop, length, eos, cancelled, timeout, error, closed).
 */
final class SchedulerMetrics {
    /** Outcomes that are not a {@link FinishReason}: the request's future failed. */
    static final String TIMEOUT = "timeout";
    static final String ERROR = "error";
    static final String CLOSED = "closed";

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    final DistributionSummary batchSize;
    final Timer timeToFirstToken;
    final Timer interTokenLatency;
    final Counter promptTokens;
    final Counter completionTokens;
    private final Map<FinishReason, Counter> finished = new EnumMap<>(FinishReason.class);
    private final Counter timedOut;
    private final Counter errors;
    private final Counter closed;

    <T> SchedulerMetrics(MeterRegistry registry, String model, T owner, ToDoubleFunction<T> queueDepth,
            ToDoubleFunction<T> activeSequences) {
        this.registry = registry;
        add(Gauge.builder("lathe.scheduler.queue.depth", owner, queueDepth).tag("model", model)
                .description("Requests waiting for a slot in the running batch").register(registry));
        add(Gauge.builder("lathe.scheduler.active.sequences", owner, activeSequences).tag("model", model)
                .description("Sequences in the running batch").register(registry));
        batchSize = add(DistributionSummary.builder("lathe.scheduler.batch.size").tag("model", model)
                .description("Sequences advanced by one batched decode step").baseUnit("sequences")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry));
        timeToFirstToken = add(Timer.builder("lathe.scheduler.time.to.first.token").tag("model", model)
                .description("From submission (queueing included) to the first generated token")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry));
        interTokenLatency = add(Timer.builder("lathe.scheduler.inter.token.latency").tag("model", model)
                .description("Between two consecutive tokens of one sequence")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry));
        promptTokens = add(Counter.builder("lathe.scheduler.prompt.tokens").tag("model", model)
                .description("Prompt tokens prefilled").register(registry));
        completionTokens = add(Counter.builder("lathe.scheduler.completion.tokens").tag("model", model)
                .description("Tokens generated").register(registry));
        for (FinishReason r : FinishReason.values()) {
            finished.put(r, requests(model, r.name().toLowerCase(Locale.ROOT)));
        }
        timedOut = requests(model, TIMEOUT);
        errors = requests(model, ERROR);
        closed = requests(model, CLOSED);
    }

    private Counter requests(String model, String outcome) {
        return add(Counter.builder("lathe.scheduler.requests").tag("model", model).tag("finish_reason", outcome)
                .description("Finished requests by finish reason or failure").register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    void finished(FinishReason reason) {
        finished.get(reason).increment();
    }

    void timedOut() {
        timedOut.increment();
    }

    void failed() {
        errors.increment();
    }

    void closed() {
        closed.increment();
    }

    void recordTimeToFirstToken(long nanos) {
        timeToFirstToken.record(nanos, TimeUnit.NANOSECONDS);
    }

    void recordInterToken(long nanos) {
        interTokenLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Takes this scheduler's meters out of the registry (the model is no longer served). */
    void remove() {
        for (Meter m : meters) {
            registry.remove(m);
        }
    }
}
