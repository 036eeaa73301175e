package dev.lathe.serve.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.serve.openai.OpenAiException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Token buckets with a fake clock: bursts up to the limit, refill per second, refunds, OpenAI headers. */
class RateLimiterTest {
    final AtomicLong now = new AtomicLong();
    final RateLimiter limiter = new RateLimiter(now::get);

    @Test
    void requestsBurstToTheLimitThenRefillAtLimitPerMinute() {
        RateLimits limits = new RateLimits(60, null);
        for (int i = 0; i < 60; i++) limiter.admit("k", limits, 0);
        assertThatThrownBy(() -> limiter.admit("k", limits, 0)).isInstanceOfSatisfying(OpenAiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.type()).isEqualTo("requests");
            assertThat(e.headers()).containsEntry("x-ratelimit-remaining-requests", "0")
                    .containsEntry("x-ratelimit-limit-requests", "60").containsEntry("Retry-After", "1")
                    .containsEntry("x-ratelimit-reset-requests", "1m0s"); // until the bucket is full again
        });
        now.addAndGet(1_000_000_000L); // one second refills one request
        RateLimiter.Admission a = limiter.admit("k", limits, 0);
        assertThat(a.headers()).containsEntry("x-ratelimit-remaining-requests", "0");
        assertThat(limiter.admit("other", limits, 0).headers()).containsEntry("x-ratelimit-remaining-requests", "59");
    }

    @Test
    void tokensAreReservedUpFrontAndTheUnusedPartRefunded() {
        RateLimits limits = new RateLimits(null, 100);
        RateLimiter.Admission a = limiter.admit("k", limits, 80);
        assertThat(a.headers()).containsEntry("x-ratelimit-remaining-tokens", "20");
        assertThatThrownBy(() -> limiter.admit("k", limits, 30)).isInstanceOfSatisfying(OpenAiException.class,
                e -> assertThat(e.type()).isEqualTo("tokens"));
        a.settle(10); // used 10 of 80: 70 come back
        assertThat(limiter.admit("k", limits, 30).headers()).containsEntry("x-ratelimit-remaining-tokens", "60");
    }

    @Test
    void aReservationLargerThanTheWholeAllowanceIsCappedSoItCanPassOnAFullBucket() {
        RateLimits limits = new RateLimits(null, 50);
        assertThat(limiter.admit("k", limits, 500).headers()).containsEntry("x-ratelimit-remaining-tokens", "0");
    }

    @Test
    void resetDurationsReadAsOpenAiWritesThem() {
        assertThat(RateLimiter.duration(20_000_000L)).isEqualTo("20ms");
        assertThat(RateLimiter.duration(1_500_000_000L)).isEqualTo("2s");
        assertThat(RateLimiter.duration(360_000_000_000L)).isEqualTo("6m0s");
    }
}
