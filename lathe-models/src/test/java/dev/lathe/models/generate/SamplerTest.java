package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each logit processor in isolation, and their order, checked against hand-computed distributions. */
class SamplerTest {
    private static final float TOL = 1e-6f;

    /** The distribution a fresh sampler would draw from. */
    private static float[] dist(SamplingParams p, float[] logits, int... prompt) {
        return new Sampler(p, logits.length, prompt, 8).distribution(logits, new SamplingScratch(logits.length));
    }

    private static SamplingParams.Builder params() {
        return SamplingParams.builder().seed(1L);
    }

    /** softmax(x / t) in double. */
    private static float[] softmax(float[] x, double t) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp((x[i] - max) / t);
            sum += e[i];
        }
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }

    private static float[] logOf(double... p) {
        float[] x = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            x[i] = (float) Math.log(p[i]);
        }
        return x;
    }

    private static void assertDist(float[] actual, double... expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("p[%d]", i).isCloseTo((float) expected[i], within(TOL));
        }
    }

    private static double[] d(float[] x) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i];
        }
        return r;
    }

    private static final float[] X = {1f, 2f, -1f, -2f, 0.5f};

    @Test
    void temperatureOneIsThePlainSoftmax() {
        assertDist(dist(params().build(), X), d(softmax(X, 1)));
    }

    @Test
    void temperatureDividesTheLogits() {
        assertDist(dist(params().temperature(0.5f).build(), X), d(softmax(X, 0.5)));
        assertDist(dist(params().temperature(3f).build(), X), d(softmax(X, 3)));
    }

    @Test
    void temperatureZeroIsArgmaxWithTiesToTheLowerId() {
        assertDist(dist(params().temperature(0).build(), X), 0, 1, 0, 0, 0);
        assertDist(dist(params().temperature(0).build(), new float[] {1, 3, 0, 3}), 0, 1, 0, 0);
    }

    @Test
    void logitBiasIsAddedBeforeTheSoftmax() {
        SamplingParams p = params().logitBias(Map.of(2, 4f, 0, -100f)).build();
        float[] biased = {-99f, 2f, 3f, -2f, 0.5f};
        assertDist(dist(p, X), d(softmax(biased, 1)));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        SamplingParams p = params().repetitionPenalty(2f).build();
        // Prompt tokens 1 (logit 2) and 3 (logit -2) were seen; 1 appears twice but is penalised once.
        float[] expected = {1f, 1f, -1f, -4f, 0.5f};
        assertDist(dist(p, X, 1, 3, 1), d(softmax(expected, 1)));
    }

    @Test
    void repetitionPenaltyAlsoCountsGeneratedTokens() {
        SamplingParams p = params().repetitionPenalty(2f).build();
        Sampler s = new Sampler(p, 5, new int[] {3}, 8);
        SamplingScratch scratch = new SamplingScratch(5);
        assertThat(s.sample(new float[] {0, 0, 0, 0, 1000f}, scratch)).isEqualTo(4);
        float[] expected = {1f, 2f, -1f, -4f, 0.25f};
        assertDist(s.distribution(X, scratch), d(softmax(expected, 1)));
    }

    @Test
    void frequencyAndPresencePenaltiesFollowOpenAiOverGeneratedTokensOnly() {
        SamplingParams p = params().frequencyPenalty(0.5f).presencePenalty(0.25f).build();
        Sampler s = new Sampler(p, 5, new int[] {0, 0, 0}, 8); // the prompt does not count
        SamplingScratch scratch = new SamplingScratch(5);
        for (int forced : new int[] {2, 2, 4}) {
            float[] x = new float[5];
            x[forced] = 1000f;
            assertThat(s.sample(x, scratch)).isEqualTo(forced);
        }
        float[] expected = {1f, 2f, -1f - 2 * 0.5f - 0.25f, -2f, 0.5f - 0.5f - 0.25f};
        assertDist(s.distribution(X, scratch), d(softmax(expected, 1)));
    }

    @Test
    void topKKeepsExactlyKTokensRenormalised() {
        float[] p = softmax(X, 1);
        double z = p[0] + p[1];
        assertDist(dist(params().topK(2).build(), X), p[0] / z, p[1] / z, 0, 0, 0);
        assertDist(dist(params().topK(5).build(), X), d(p));
        assertDist(dist(params().topK(99).build(), X), d(p));
    }

    @Test
    void topKBreaksTiesTowardTheLowerId() {
        float[] x = {2f, 1f, 2f, 2f};
        assertDist(dist(params().topK(2).build(), x), 0.5, 0, 0.5, 0);
    }

    private static final float[] P = logOf(0.1, 0.5, 0.15, 0.25);

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        assertDist(dist(params().topP(0.7f).build(), P), 0, 0.5 / 0.75, 0, 0.25 / 0.75);
        assertDist(dist(params().topP(0.8f).build(), P), 0, 0.5 / 0.9, 0.15 / 0.9, 0.25 / 0.9);
        assertDist(dist(params().topP(0.3f).build(), P), 0, 1, 0, 0);
        assertDist(dist(params().topP(1f).build(), P), 0.1, 0.5, 0.15, 0.25);
    }

    @Test
    void minPDropsTokensBelowAFractionOfTheTopProbability() {
        assertDist(dist(params().minP(0.4f).build(), P), 0, 0.5 / 0.75, 0, 0.25 / 0.75);
        assertDist(dist(params().minP(0.25f).build(), P), 0, 0.5 / 0.9, 0.15 / 0.9, 0.25 / 0.9);
        assertDist(dist(params().minP(1f).build(), P), 0, 1, 0, 0);
    }

    @Test
    void temperatureComesBeforeTopP() {
        // At T = 0.5 the probabilities square: 0.25/0.345 = 0.72 alone reaches 0.7.
        assertDist(dist(params().temperature(0.5f).topP(0.7f).build(), P), 0, 1, 0, 0);
    }

    @Test
    void topKComesBeforeTopP() {
        // Top-3 renormalises to 0.556, 0.167, 0.278: two tokens reach 0.8 (without top-k it takes three).
        assertDist(dist(params().topK(3).topP(0.8f).build(), P), 0, 0.5 / 0.75, 0, 0.25 / 0.75);
    }

    @Test
    void minPComesAfterTopP() {
        // Top-p 0.8 keeps {1, 3, 2}; min-p 0.25 then keeps all three. The other order would keep {1, 3}.
        assertDist(dist(params().topP(0.8f).minP(0.25f).build(), P), 0, 0.5 / 0.9, 0.15 / 0.9, 0.25 / 0.9);
    }

    @Test
    void penaltiesComeBeforeTemperatureAndGreedy() {
        // Bias lifts token 2 over token 1; greedy then picks it.
        assertDist(dist(params().temperature(0).logitBias(Map.of(2, 3.5f)).build(), X), 0, 0, 1, 0, 0);
    }

    @Test
    void drawsFollowTheDistribution() {
        SamplingParams p = params().temperature(0.8f).topK(4).topP(0.95f).seed(11L).build();
        float[] x = {0.3f, 1.2f, -0.4f, 0.9f, 0.1f, -2f};
        float[] expected = dist(p, x);
        Sampler s = new Sampler(p, x.length, new int[] {0}, 1);
        SamplingScratch scratch = new SamplingScratch(x.length);
        int draws = 40_000;
        int[] counts = new int[x.length];
        for (int i = 0; i < draws; i++) {
            counts[s.sample(x.clone(), scratch)]++;
        }
        for (int t = 0; t < x.length; t++) {
            assertThat((double) counts[t] / draws).as("frequency of %d", t).isCloseTo(expected[t], within(0.01));
            if (expected[t] == 0) {
                assertThat(counts[t]).isZero();
            }
        }
    }

    @Test
    void sameSeedGivesTheSameDraws() {
        SamplingParams p = params().seed(42L).build();
        float[] x = {0.3f, 1.2f, -0.4f, 0.9f};
        Sampler a = new Sampler(p, 4, new int[] {0}, 1);
        Sampler b = new Sampler(p, 4, new int[] {0}, 1);
        SamplingScratch scratch = new SamplingScratch(4);
        for (int i = 0; i < 100; i++) {
            assertThat(a.sample(x.clone(), scratch)).isEqualTo(b.sample(x.clone(), scratch));
        }
    }

    @Test
    void logprobsAreTheLogSoftmaxAfterPenaltiesBeforeTemperature() {
        SamplingParams p = params().temperature(0.3f).topK(2).logitBias(Map.of(4, 1f)).topLogprobs(5).build();
        Sampler s = new Sampler(p, 5, new int[] {0}, 1);
        SamplingScratch scratch = new SamplingScratch(5);
        float[] x = X.clone();
        int token = s.sample(x, scratch);
        TokenLogprobs lp = s.logprobs(x, token, scratch);
        float[] expected = softmax(new float[] {1f, 2f, -1f, -2f, 1.5f}, 1);
        assertThat(lp.tokenId()).isEqualTo(token);
        assertThat(lp.logprob()).isCloseTo((float) Math.log(expected[token]), within(1e-5f));
        assertThat(lp.top()).extracting(Logprob::tokenId).containsExactly(1, 4, 0, 2, 3);
        double sum = 0;
        for (Logprob l : lp.top()) {
            assertThat(l.logprob()).isCloseTo((float) Math.log(expected[l.tokenId()]), within(1e-5f));
            sum += Math.exp(l.logprob());
        }
        assertThat(sum).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void logitBiasForATokenOutsideTheVocabularyIsRejected() {
        SamplingParams p = params().logitBias(Map.of(7, 1f)).build();
        assertThatThrownBy(() -> new Sampler(p, 5, new int[] {0}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("logitBias")
                .hasMessageContaining("7");
    }
}
