package dev.lathe.serve.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lathe.serve.auth.ApiKey;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Timer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What every route goes through: CORS headers, the API key check for its {@link Access}, the handler,
 * OpenAI error objects for every failure (a 500 never leaks a stack trace), the request metric
 * {@code lathe.http.requests} (route, method, status) and one JSON access-log line without prompt text
 * unless configured.
 */
final class Guard {
    private static final System.Logger LOG = System.getLogger(Guard.class.getName());
    private static final String HANDLED = "lathe.handled";

    private final ServerContext server;

    Guard(ServerContext server) {
        this.server = server;
    }

    void handle(Context ctx, Route route) {
        long started = System.nanoTime();
        ctx.attribute(HANDLED, true);
        String requestId = Ids.next("req_");
        ctx.header("x-request-id", requestId);
        Call call = null;
        try {
            cors(ctx);
            ApiKey key = switch (route.access()) {
                case PUBLIC -> null;
                case API_KEY -> server.auth().authenticate(ctx.header("Authorization")).orElse(null);
                case ADMIN -> admin(ctx);
            };
            call = new Call(ctx, server, key);
            route.handler().handle(call);
        } catch (OpenAiException e) {
            error(ctx, e);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + route.method() + " " + route.path(), e);
            error(ctx, new OpenAiException(500, "The server had an error while processing your request: "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    "server_error", null, null, Call.none()));
        } finally {
            long nanos = System.nanoTime() - started;
            int status = ctx.statusCode();
            Timer.builder("lathe.http.requests").description("HTTP requests by route and status")
                    .tag("route", route.path()).tag("method", route.method().name())
                    .tag("status", Integer.toString(status)).register(server.meters())
                    .record(nanos, TimeUnit.NANOSECONDS);
            accessLog(ctx, route, call, status, nanos, requestId);
        }
    }

    /** An admin caller: a valid key when a keys file exists, else a caller on this machine. */
    private ApiKey admin(Context ctx) {
        if (server.auth().hasKeys()) return server.auth().verify(ctx.header("Authorization"));
        try {
            if (InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress()) return null;
        } catch (UnknownHostException e) {
            // fall through to the refusal
        }
        throw OpenAiException.invalidApiKey("Admin routes need an API key; this server has no keys file, so they"
                + " answer only on the loopback interface.");
    }

    void preflight(Context ctx) {
        cors(ctx);
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type, OpenAI-Organization, OpenAI-Project,"
                + " X-Stainless-Lang, X-Stainless-Package-Version, X-Stainless-OS, X-Stainless-Arch,"
                + " X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Retry-Count");
        ctx.header("Access-Control-Max-Age", "600");
        ctx.status(204);
    }

    void notFound(Context ctx) {
        if (Boolean.TRUE.equals(ctx.attribute(HANDLED))) return; // a handler's own 404 (unknown model)
        error(ctx, OpenAiException.noRoute(ctx.method().name(), ctx.path()));
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || server.corsOrigins().isEmpty()) return;
        if (server.corsOrigins().contains("*")) {
            ctx.header("Access-Control-Allow-Origin", "*");
        } else if (server.corsOrigins().contains(origin)) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
        }
        ctx.header("Access-Control-Expose-Headers", "x-ratelimit-limit-requests, x-ratelimit-limit-tokens,"
                + " x-ratelimit-remaining-requests, x-ratelimit-remaining-tokens, x-ratelimit-reset-requests,"
                + " x-ratelimit-reset-tokens, Retry-After");
    }

    private static void error(Context ctx, OpenAiException e) {
        if (ctx.res().isCommitted()) return; // a stream already started; StreamLoop reports there
        e.headers().forEach(ctx::header);
        ctx.status(e.status());
        ctx.contentType("application/json");
        ctx.result(OpenAiJson.write(e.body()));
    }

    private void accessLog(Context ctx, Route route, Call call, int status, long nanos, String requestId) {
        ObjectNode line = OpenAiJson.MAPPER.createObjectNode();
        line.put("time", Instant.now().toString());
        line.put("request_id", requestId);
        line.put("remote", ctx.req().getRemoteAddr());
        line.put("method", route.method().name());
        line.put("path", ctx.path());
        line.put("status", status);
        line.put("duration_ms", Math.round(nanos / 1e5) / 10.0);
        if (call != null) {
            line.put("key", call.keyName());
            if (call.model != null) line.put("model", call.model);
            if (call.user != null) line.put("user", call.user);
            if (call.promptTokens > 0 || call.completionTokens > 0) {
                line.put("prompt_tokens", call.promptTokens);
                line.put("completion_tokens", call.completionTokens);
            }
            if (call.clientGone) line.put("client_disconnected", true);
            if (server.logPrompts() && call.prompt != null) line.put("prompt", call.prompt);
        }
        server.accessLog().accept(line.toString());
    }
}
