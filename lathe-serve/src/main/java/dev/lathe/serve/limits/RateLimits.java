package dev.lathe.serve.limits;

/**
 * Limits per key and minute; null means unlimited.
 *
 * @param requestsPerMinute requests a key may start per minute
 * @param tokensPerMinute prompt plus completion tokens per minute (a request reserves its prompt and
 *     max tokens up front; the unused part is given back when it finishes)
 */
public record RateLimits(Integer requestsPerMinute, Integer tokensPerMinute) {
    public static final RateLimits UNLIMITED = new RateLimits(null, null);

    public RateLimits {
        if (requestsPerMinute != null && requestsPerMinute < 1) {
            throw new IllegalArgumentException("requests_per_minute must be at least 1, got " + requestsPerMinute);
        }
        if (tokensPerMinute != null && tokensPerMinute < 1) {
            throw new IllegalArgumentException("tokens_per_minute must be at least 1, got " + tokensPerMinute);
        }
    }

    /** These limits with any non-null value of {@code override} in place. */
    public RateLimits overriddenBy(Integer requests, Integer tokens) {
        return new RateLimits(requests != null ? requests : requestsPerMinute, tokens != null ? tokens : tokensPerMinute);
    }

    public boolean unlimited() {
        return requestsPerMinute == null && tokensPerMinute == null;
    }
}
