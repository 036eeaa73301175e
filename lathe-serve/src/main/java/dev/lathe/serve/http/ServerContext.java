package dev.lathe.serve.http;

import dev.lathe.serve.auth.Authenticator;
import dev.lathe.serve.limits.RateLimiter;
import dev.lathe.serve.limits.RateLimits;
import dev.lathe.serve.registry.ModelRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything the handlers share, built once by the server bootstrap.
 *
 * @param defaultLimits rate limits for keys that set none (and for the anonymous caller)
 * @param corsOrigins origins allowed to call from a browser ("*" for any); empty = no CORS headers
 * @param accessLog receives one JSON line per request
 * @param logPrompts whether access lines carry the prompt text (off by default: prompts may be private)
 * @param reload re-reads adapters; returns what changed, one line each
 * @param systemFingerprint OpenAI's {@code system_fingerprint}: changes when the served models change
 */
public record ServerContext(ModelRegistry registry, Authenticator auth, RateLimiter limiter, RateLimits defaultLimits,
        PrometheusMeterRegistry meters, long maxBodyBytes, List<String> corsOrigins, Consumer<String> accessLog,
        boolean logPrompts, Supplier<List<String>> reload, String systemFingerprint) {
    public ServerContext {
        corsOrigins = List.copyOf(corsOrigins);
    }
}
