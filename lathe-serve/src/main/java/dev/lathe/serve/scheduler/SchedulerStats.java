package dev.lathe.serve.scheduler;

/**
 * A snapshot of one {@link Scheduler}'s load and totals (for /ready, logs and tests); the same figures
 * are exported as Micrometer meters.
 *
 * @param queueDepth requests submitted and not yet admitted to the batch
 * @param activeSequences sequences in the running batch
 * @param lastBatchSize sequences the last decode step advanced
 * @param submitted requests accepted by {@link Scheduler#submit} so far
 * @param rejected requests refused because the queue was full
 * @param completed requests whose future completed normally (any finish reason, cancelled included)
 * @param failed requests whose future completed exceptionally (timeout, model or listener error, close)
 * @param promptTokens prompt tokens prefilled
 * @param completionTokens tokens generated
 * @param decodeSteps batched decode steps run
 */
public record SchedulerStats(int queueDepth, int activeSequences, int lastBatchSize, long submitted, long rejected,
        long completed, long failed, long promptTokens, long completionTokens, long decodeSteps) {

    /** True when nothing is queued or running. */
    public boolean idle() {
        return queueDepth == 0 && activeSequences == 0;
    }
}
