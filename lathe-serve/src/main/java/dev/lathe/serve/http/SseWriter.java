package dev.lathe.serve.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events on the response stream: {@code data: <json>\n\n} per event, flushed at once so each
 * token leaves as it is made. A write that fails means the client went away: the caller cancels.
 */
final class SseWriter {
    private final OutputStream out;

    SseWriter(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        this.out = ctx.res().getOutputStream();
        ctx.res().flushBuffer();
    }

    /** One {@code data:} event. */
    void data(String json) throws IOException {
        out.write(("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** A comment line: keeps proxies from timing out and finds a gone client while nothing else is sent. */
    void keepAlive() throws IOException {
        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
