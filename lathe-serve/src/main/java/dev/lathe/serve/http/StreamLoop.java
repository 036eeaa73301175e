package dev.lathe.serve.http;

import dev.lathe.models.generate.Generation;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Drains a streaming {@link Submission} onto the connection on the handler's own (virtual) thread: each
 * token event becomes a chunk through the {@link Sink}; a failed write means the client is gone, so every
 * choice is cancelled at once. While nothing arrives (queued, prefilling) a keep-alive comment goes out
 * every second, which also notices a client that left early.
 */
final class StreamLoop {
    private static final long POLL_MILLIS = 250;
    private static final long KEEP_ALIVE_NANOS = 1_000_000_000L;

    /** Writes the chunks of one kind of stream. */
    interface Sink {
        void token(Event.Token token) throws IOException;

        void finished(int choice, Generation generation) throws IOException;
    }

    private StreamLoop() {}

    /**
     * Runs until every choice finished; returns their generations, or null when the stream ended early
     * (client gone: everything cancelled; or a choice failed: an error event was sent).
     */
    static List<Generation> run(Call call, Submission submission, SseWriter sse, Sink sink) throws IOException {
        Generation[] done = new Generation[submission.size()];
        int remaining = done.length;
        long lastWrite = System.nanoTime();
        try {
            while (remaining > 0) {
                Event e = submission.poll(POLL_MILLIS);
                if (e == null) {
                    if (System.nanoTime() - lastWrite > KEEP_ALIVE_NANOS) {
                        sse.keepAlive();
                        lastWrite = System.nanoTime();
                    }
                    continue;
                }
                switch (e) {
                    case Event.Token t -> sink.token(t);
                    case Event.Done d -> {
                        done[d.choice()] = d.generation();
                        remaining--;
                        sink.finished(d.choice(), d.generation());
                    }
                    case Event.Failed f -> {
                        submission.cancel();
                        RuntimeException error = Submission.translate(f.error(), null, null);
                        OpenAiException o = error instanceof OpenAiException x ? x
                                : new OpenAiException(500, "generation failed: " + f.error().getMessage(), "server_error",
                                        null, null, Call.none());
                        sse.data(OpenAiJson.write(o.body()));
                        sse.data("[DONE]");
                        return null;
                    }
                }
                lastWrite = System.nanoTime();
            }
            return Arrays.asList(done);
        } catch (IOException gone) {
            submission.cancel();
            call.clientGone = true;
            return null;
        } catch (InterruptedException interrupted) {
            submission.cancel();
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
