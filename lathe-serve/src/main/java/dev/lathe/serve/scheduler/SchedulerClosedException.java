package dev.lathe.serve.scheduler;

/**
 * The scheduler was closed (server shutdown or model unload): a submission after {@link Scheduler#close()}
 * is refused with it, and requests still queued or running at close fail with it.
 */
public final class SchedulerClosedException extends IllegalStateException {
    public SchedulerClosedException(String modelName) {
        super("the scheduler of model '" + modelName + "' is closed; the model is no longer served");
    }
}
