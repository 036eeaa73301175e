package dev.lathe.serve.scheduler;

import dev.lathe.models.generate.Generation;
import java.time.Duration;

/**
 * A request ran past {@link SchedulerConfig#requestTimeout()}: the scheduler stopped it (its slot is
 * freed at once) and failed its future with this exception. {@link #partial()} holds what it produced
 * before it stopped (finish reason {@link dev.lathe.models.generate.FinishReason#CANCELLED}; no tokens if
 * it timed out while queued), which a streaming response has already sent.
 */
public final class RequestTimeoutException extends RuntimeException {
    private final transient Generation partial;
    private final Duration timeout;

    public RequestTimeoutException(Duration timeout, Generation partial) {
        super("the request did not finish within the request timeout of " + timeout + " ("
                + partial.completionTokens() + " tokens generated before it was stopped)");
        this.timeout = timeout;
        this.partial = partial;
    }

    /** What the request generated before it was stopped. */
    public Generation partial() {
        return partial;
    }

    public Duration timeout() {
        return timeout;
    }
}
