package dev.lathe.serve.scheduler;

/**
 * A request was refused because the scheduler's queue is full: the server is overloaded and answers
 * 503 with a {@code Retry-After} header of {@link #retryAfterSeconds()} rather than slowing every client.
 */
public final class QueueFullException extends RuntimeException {
    private final int retryAfterSeconds;

    public QueueFullException(String modelName, int capacity, int retryAfterSeconds) {
        super("model '" + modelName + "' is overloaded: its queue already holds " + capacity
                + " requests; retry in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds until a retry is likely to be accepted (an estimate, at least 1). */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
