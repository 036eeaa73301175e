package dev.lathe.serve.scheduler;

import java.time.Duration;
import java.util.Objects;

/**
 * How one {@link Scheduler} batches and bounds its work.
 *
 * @param maxBatch most sequences decoding together (each holds its own KV cache), at least 1
 * @param queueCapacity most requests waiting for a slot; one more is refused with {@link QueueFullException}
 *     (the server's 503 with Retry-After), at least 1
 * @param requestTimeout longest a request may take from submission to its last token, queueing included;
 *     past it the request stops and fails with {@link RequestTimeoutException}
 * @param maxPrefillTokensPerStep prompt tokens prefilled between two decode steps, so that new arrivals do
 *     not stall the running streams; a prompt longer than this still gets a step of its own
 */
public record SchedulerConfig(int maxBatch, int queueCapacity, Duration requestTimeout, int maxPrefillTokensPerStep) {

    public static final int DEFAULT_MAX_BATCH = 16;
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_PREFILL_TOKENS_PER_STEP = 512;

    public SchedulerConfig {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be at least 1, got " + queueCapacity);
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (maxPrefillTokensPerStep < 1) {
            throw new IllegalArgumentException("maxPrefillTokensPerStep must be at least 1, got "
                    + maxPrefillTokensPerStep);
        }
    }

    /** Batches of 16, 256 queued, 10 minutes per request, 512 prompt tokens per step. */
    public static SchedulerConfig defaults() {
        return new SchedulerConfig(DEFAULT_MAX_BATCH, DEFAULT_QUEUE_CAPACITY, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MAX_PREFILL_TOKENS_PER_STEP);
    }

    public SchedulerConfig withMaxBatch(int value) {
        return new SchedulerConfig(value, queueCapacity, requestTimeout, maxPrefillTokensPerStep);
    }

    public SchedulerConfig withQueueCapacity(int value) {
        return new SchedulerConfig(maxBatch, value, requestTimeout, maxPrefillTokensPerStep);
    }

    public SchedulerConfig withRequestTimeout(Duration value) {
        return new SchedulerConfig(maxBatch, queueCapacity, value, maxPrefillTokensPerStep);
    }

    public SchedulerConfig withMaxPrefillTokensPerStep(int value) {
        return new SchedulerConfig(maxBatch, queueCapacity, requestTimeout, value);
    }
}
