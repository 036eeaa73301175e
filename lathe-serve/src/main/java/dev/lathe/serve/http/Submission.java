package dev.lathe.serve.http;

import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.generate.CancellationToken;
import dev.lathe.models.generate.Generation;
import dev.lathe.models.generate.GenerationRequest;
import dev.lathe.models.generate.SamplingParams;
import dev.lathe.models.generate.TokenConstraint;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.scheduler.QueueFullException;
import dev.lathe.serve.scheduler.RequestTimeoutException;
import dev.lathe.serve.scheduler.Scheduler;
import dev.lathe.serve.scheduler.SchedulerClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The generations of one HTTP request (its {@code n} choices, times its prompts), queued on one scheduler.
 * Tokens and outcomes arrive as {@link Event}s on a queue the handler's thread drains; {@link #cancel}
 * stops them all (client gone, or a sibling failed to queue). Scheduler exceptions become OpenAI errors.
 */
final class Submission {
    /** One choice to generate: its prompt ids, parameters and constraint (null for none; one per job). */
    record Job(int[] promptIds, SamplingParams params, TokenConstraint constraint) {
        Job(int[] promptIds, SamplingParams params) {
            this(promptIds, params, null);
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<CancellationToken> cancellations = new ArrayList<>();
    private final List<CompletableFuture<Generation>> futures = new ArrayList<>();
    private final List<GenerationRequest> requests = new ArrayList<>();

    /**
     * Builds the requests and checks them all before queueing any (so a bad choice never leaves siblings
     * running). {@code promptParam} names the request field a context-length error points at.
     */
    Submission(Scheduler scheduler, List<Job> jobs, boolean stream, String promptParam) {
        for (int i = 0; i < jobs.size(); i++) {
            int choice = i;
            CancellationToken token = new CancellationToken();
            Job job = jobs.get(i);
            GenerationRequest r = new GenerationRequest(job.promptIds(), job.params(), stream
                    ? (id, delta, lp) -> events.add(new Event.Token(choice, id, delta, lp)) : null, token,
                    job.constraint());
            try {
                scheduler.validate(r);
            } catch (RuntimeException e) {
                throw translate(e, job, promptParam);
            }
            cancellations.add(token);
            requests.add(r);
        }
    }

    /** Queues every request; if one is refused the others are cancelled and the refusal is thrown. */
    Submission submit(Scheduler scheduler, String promptParam) {
        for (int i = 0; i < requests.size(); i++) {
            int choice = i;
            CompletableFuture<Generation> f;
            try {
                f = scheduler.submit(requests.get(i));
            } catch (RuntimeException e) {
                cancel();
                throw translate(e, null, promptParam);
            }
            f.whenComplete((g, e) -> events.add(e == null ? new Event.Done(choice, g)
                    : new Event.Failed(choice, e instanceof CompletionException c && c.getCause() != null
                            ? c.getCause() : e)));
            futures.add(f);
        }
        return this;
    }

    int size() {
        return requests.size();
    }

    /** The next event, or null after {@code millis} without one. */
    Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Waits for every choice; the first failure becomes an OpenAI error (the rest are cancelled). */
    List<Generation> awaitAll() {
        List<Generation> out = new ArrayList<>();
        try {
            for (CompletableFuture<Generation> f : futures) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            cancel();
            Thread.currentThread().interrupt();
            throw new OpenAiException(500, "interrupted while generating", "server_error", null, null,
                    java.util.Map.of());
        } catch (ExecutionException e) {
            cancel();
            throw translate(e.getCause(), null, null);
        }
    }

    void cancel() {
        cancellations.forEach(CancellationToken::cancel);
    }

    /** The OpenAI error for what the scheduler threw. */
    static RuntimeException translate(Throwable e, Job job, String promptParam) {
        return switch (e) {
            case OpenAiException o -> o;
            case ContextLengthExceededException c -> OpenAiException.contextLength(promptParam, c.limit(),
                    c.requested(), job == null ? c.requested() : job.promptIds().length);
            case QueueFullException q -> OpenAiException.overloaded(q.retryAfterSeconds(),
                    "The server is currently overloaded with other requests (" + q.getMessage()
                            + "). Please retry after the time in the Retry-After header.");
            case SchedulerClosedException s -> OpenAiException.overloaded(5, "The model is being unloaded or the"
                    + " server is shutting down; retry shortly.");
            case RequestTimeoutException t -> new OpenAiException(504, "The request timed out after " + t.timeout()
                    .toSeconds() + " s of generation.", "server_error", null, "timeout", java.util.Map.of());
            case IllegalArgumentException i -> OpenAiException.badParam(paramOf(i.getMessage(), promptParam),
                    i.getMessage());
            default -> new IllegalStateException("generation failed: " + e, e);
        };
    }

    /** Which request field a model-side validation message is about. */
    private static String paramOf(String message, String promptParam) {
        String m = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("logit")) return "logit_bias";
        if (m.contains("stop")) return "stop";
        return promptParam;
    }
}
