package dev.lathe.models;

/** A sequence would grow past what its cache or the model's context can hold. */
public final class ContextLengthExceededException extends IllegalArgumentException {
    private final int requested;
    private final int limit;

    public ContextLengthExceededException(int requested, int limit) {
        super("the sequence needs " + requested + " positions but the context holds " + limit
                + "; shorten the prompt or lower max tokens");
        this.requested = requested;
        this.limit = limit;
    }

    public int requested() {
        return requested;
    }

    public int limit() {
        return limit;
    }
}
