package dev.lathe.serve.limits;

import dev.lathe.serve.openai.OpenAiException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets per key: a bucket of {@code limit} holds up to a minute's allowance and refills at
 * {@code limit / 60} per second, so bursts up to the limit pass and a steady rate above it is refused.
 * {@link #admit} takes one request and the request's reserved tokens or answers 429 with OpenAI's headers;
 * {@link Admission#settle} gives back the tokens a request reserved but did not use.
 */
public final class RateLimiter {
    private final Map<String, Buckets> byKey = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    public RateLimiter() {
        this(System::nanoTime);
    }

    /** With a clock for tests. */
    public RateLimiter(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * Admits one request of {@code key} reserving {@code tokens}, or throws a 429 {@link OpenAiException}
     * carrying the headers. A reservation above the whole per-minute allowance is capped at it, so a single
     * large request can still pass on a full bucket.
     */
    public Admission admit(String key, RateLimits limits, int tokens) {
        if (limits.unlimited()) return new Admission(null, 0, Map.of());
        Buckets b = byKey.computeIfAbsent(key, k -> new Buckets());
        synchronized (b) {
            long now = nanoClock.getAsLong();
            Bucket requests = b.requests(limits.requestsPerMinute(), now);
            Bucket tokenBucket = b.tokens(limits.tokensPerMinute(), now);
            int reserve = tokenBucket == null ? 0 : (int) Math.min(tokens, tokenBucket.capacity);
            if (requests != null && requests.level < 1) {
                throw OpenAiException.rateLimited("Rate limit reached for requests on key '" + key + "': limit "
                        + requests.capacity + " per minute. Please try again in " + duration(requests.nanosUntil(1))
                        + ".", "requests", headers(requests, tokenBucket, requests.nanosUntil(1)));
            }
            if (tokenBucket != null && tokenBucket.level < reserve) {
                throw OpenAiException.rateLimited("Rate limit reached for tokens on key '" + key + "': limit "
                        + tokenBucket.capacity + " per minute, requested " + reserve + ". Please try again in "
                        + duration(tokenBucket.nanosUntil(reserve)) + ".", "tokens",
                        headers(requests, tokenBucket, tokenBucket.nanosUntil(reserve)));
            }
            if (requests != null) requests.level -= 1;
            if (tokenBucket != null) tokenBucket.level -= reserve;
            return new Admission(b, reserve, headers(requests, tokenBucket, -1));
        }
    }

    private static Map<String, String> headers(Bucket requests, Bucket tokens, long retryNanos) {
        Map<String, String> h = new LinkedHashMap<>();
        if (requests != null) {
            h.put("x-ratelimit-limit-requests", Long.toString((long) requests.capacity));
            h.put("x-ratelimit-remaining-requests", Long.toString((long) Math.max(0, Math.floor(requests.level))));
            h.put("x-ratelimit-reset-requests", duration(requests.nanosUntil(requests.capacity)));
        }
        if (tokens != null) {
            h.put("x-ratelimit-limit-tokens", Long.toString((long) tokens.capacity));
            h.put("x-ratelimit-remaining-tokens", Long.toString((long) Math.max(0, Math.floor(tokens.level))));
            h.put("x-ratelimit-reset-tokens", duration(tokens.nanosUntil(tokens.capacity)));
        }
        if (retryNanos >= 0) {
            h.put("Retry-After", Long.toString(Math.max(1, (retryNanos + 999_999_999L) / 1_000_000_000L)));
        }
        return h;
    }

    /** OpenAI's reset format: "20ms", "1s", "6m0s". */
    static String duration(long nanos) {
        long ms = Math.max(0, (nanos + 999_999) / 1_000_000);
        if (ms < 1000) return ms + "ms";
        long s = (ms + 999) / 1000;
        return s < 60 ? s + "s" : s / 60 + "m" + s % 60 + "s";
    }

    /** One admitted request: give back its unused tokens with {@link #settle}, and send its headers. */
    public static final class Admission {
        private final Buckets buckets;
        private final int reserved;
        private final Map<String, String> headers;

        Admission(Buckets buckets, int reserved, Map<String, String> headers) {
            this.buckets = buckets;
            this.reserved = reserved;
            this.headers = Map.copyOf(headers);
        }

        /** The x-ratelimit-* headers as of admission. */
        public Map<String, String> headers() {
            return headers;
        }

        /** Settles the reservation against the {@code used} tokens (refunds the rest, charges any excess). */
        public void settle(int used) {
            if (buckets == null || buckets.tokens == null) return;
            synchronized (buckets) {
                Bucket t = buckets.tokens;
                t.level = Math.min(t.capacity, t.level + reserved - used);
            }
        }
    }

    /** The two buckets of one key; limits may change on reload, so capacity follows the current limits. */
    static final class Buckets {
        private Bucket requests;
        private Bucket tokens;

        Bucket requests(Integer limit, long now) {
            requests = refreshed(requests, limit, now);
            return requests;
        }

        Bucket tokens(Integer limit, long now) {
            tokens = refreshed(tokens, limit, now);
            return tokens;
        }

        private static Bucket refreshed(Bucket b, Integer limit, long now) {
            if (limit == null) return null;
            if (b == null || b.capacity != limit) return new Bucket(limit, now);
            b.refill(now);
            return b;
        }
    }

    /** A continuously refilling bucket; level may go negative when a request used more than it reserved. */
    static final class Bucket {
        final double capacity;
        double level;
        private long lastNanos;

        Bucket(double capacity, long now) {
            this.capacity = capacity;
            this.level = capacity;
            this.lastNanos = now;
        }

        void refill(long now) {
            level = Math.min(capacity, level + (now - lastNanos) * capacity / 60e9);
            lastNanos = now;
        }

        long nanosUntil(double wanted) {
            return wanted <= level ? 0 : (long) Math.ceil((wanted - level) * 60e9 / capacity);
        }
    }
}
