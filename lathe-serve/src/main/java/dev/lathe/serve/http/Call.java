package dev.lathe.serve.http;

import dev.lathe.serve.auth.ApiKey;
import dev.lathe.serve.auth.Authenticator;
import dev.lathe.serve.limits.RateLimiter;
import dev.lathe.serve.limits.RateLimits;
import dev.lathe.serve.openai.OpenAiException;
import dev.lathe.serve.openai.OpenAiJson;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * One HTTP request as the handlers see it: the Javalin context, the caller's key, its rate-limit
 * admission, and what the access log reports (model, token counts; never the prompt unless configured).
 */
final class Call {
    final Context ctx;
    final ServerContext server;
    final ApiKey key;
    private RateLimiter.Admission admission;
    String model;
    /** OpenAI's {@code user}: the caller's end-user id, logged for abuse tracing. */
    String user;
    int promptTokens;
    int completionTokens;
    String prompt;
    boolean clientGone;

    Call(Context ctx, ServerContext server, ApiKey key) {
        this.ctx = ctx;
        this.server = server;
        this.key = key;
    }

    String keyName() {
        return key == null ? Authenticator.ANONYMOUS : key.name();
    }

    /** The body as JSON, refusing bodies over the size limit (413) and non-JSON (400). */
    JsonNode json() {
        long max = server.maxBodyBytes();
        if (ctx.req().getContentLengthLong() > max) throw OpenAiException.bodyTooLarge(max);
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the request body", e);
        }
        if (body.length > max) throw OpenAiException.bodyTooLarge(max);
        return OpenAiJson.parse(body);
    }

    /** Admits this request against its key's limits, reserving {@code tokens}; 429 when over. */
    void admit(int tokens) {
        RateLimits limits = key == null ? server.defaultLimits()
                : server.defaultLimits().overriddenBy(key.requestsPerMinute(), key.tokensPerMinute());
        admission = server.limiter().admit(keyName(), limits, tokens);
        admission.headers().forEach(ctx::header);
    }

    /** Charges the tokens actually used (refunding the rest of the reservation). */
    void settle(int usedTokens) {
        if (admission != null) {
            admission.settle(usedTokens);
            admission = null;
        }
    }

    void usage(int prompt, int completion) {
        promptTokens = prompt;
        completionTokens = completion;
    }

    /** Writes a JSON response. */
    void json(int status, Object body) {
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(OpenAiJson.write(body));
    }

    static Map<String, String> none() {
        return Map.of();
    }
}
