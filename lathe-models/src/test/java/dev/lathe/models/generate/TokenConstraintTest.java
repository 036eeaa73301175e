package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.models.generate.FakeModels.BigramModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A request's TokenConstraint masks every draw, decides when EOS may come, and ends a finished output. */
class TokenConstraintTest {
    private static final int V = 30;
    private static final int EOS = 29;

    /**
     * Ids 0..9 are digits: the output is a run of {@code min}..{@code max} digits in strictly rising order.
     * Records what it was told, so tests can check the sequence advanced it exactly once per token.
     */
    static final class RisingDigits implements TokenConstraint {
        final int min;
        final int max;
        final List<Integer> advanced = new ArrayList<>();
        int last = -1;

        RisingDigits(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public void maskLogits(float[] logits) {
            // Leave room for the digits still required after this one, so the rule never dead-ends.
            int stillNeeded = Math.max(0, min - advanced.size() - 1);
            for (int t = 0; t < logits.length; t++) {
                if (!(t + stillNeeded < 10 && t > last && advanced.size() < max)) {
                    logits[t] = Float.NEGATIVE_INFINITY;
                }
            }
        }

        @Override
        public void advance(int tokenId) {
            assertThat(tokenId).as("a token the mask allowed").isBetween(last + 1, 9 - Math.max(0, min - advanced.size() - 1));
            advanced.add(tokenId);
            last = tokenId;
        }

        @Override
        public boolean isComplete() {
            return advanced.size() >= min;
        }

        @Override
        public boolean canContinue() {
            return advanced.size() < max && last < 9;
        }
    }

    private static SamplingParams sampled(long seed) {
        return SamplingParams.builder().temperature(1.5f).seed(seed).maxTokens(40).eosTokenIds(Set.of(EOS)).build();
    }

    private static void assertRising(Generation g, RisingDigits c) {
        List<Integer> digits = new ArrayList<>();
        for (int t : g.tokenIds()) {
            if (t != EOS) {
                digits.add(t);
            }
        }
        assertThat(digits).isSorted().doesNotHaveDuplicates().allMatch(t -> t < 10).isEqualTo(c.advanced);
        assertThat(digits.size()).isBetween(c.min, c.max);
    }

    @Test
    void everyDrawObeysTheConstraintAndEosComesOnlyWhenComplete() {
        Generator gen = new Generator(null);
        for (long seed = 0; seed < 40; seed++) {
            RisingDigits c = new RisingDigits(3, 6);
            Generation g = gen.generate(new BigramModel(V, 64, seed), new GenerationRequest(new int[] {20},
                    sampled(seed), null, null, c));
            assertRising(g, c);
            assertThat(g.finishReason()).isIn(FinishReason.EOS, FinishReason.STOP);
            if (g.finishReason() == FinishReason.EOS) {
                assertThat(g.tokenIds()[g.tokenIds().length - 1]).isEqualTo(EOS);
            }
        }
    }

    @Test
    void aCompleteConstraintThatCannotGrowStopsWithoutAnEndToken() {
        RisingDigits c = new RisingDigits(4, 4);
        Generation g = new Generator(null).generate(new BigramModel(V, 64, 1),
                new GenerationRequest(new int[] {20}, sampled(7), null, null, c));
        assertThat(g.tokenIds()).hasSize(4).doesNotContain(EOS);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertRising(g, c);
    }

    @Test
    void aConstraintThatAllowsNothingStopsTheSequenceWithoutDrawing() {
        TokenConstraint nothing = new RisingDigits(1, 0); // never complete, never allowed to grow
        Generation g = new Generator(null).generate(new BigramModel(V, 64, 1),
                new GenerationRequest(new int[] {20}, SamplingParams.greedy(5), null, null, nothing));
        assertThat(g.tokenIds()).isEmpty();
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void batchedConstrainedSequencesGiveWhatSeparateRunsGive() {
        BigramModel model = new BigramModel(V, 64, 3);
        Generator gen = new Generator(null);
        List<GenerationRequest> batch = new ArrayList<>();
        List<RisingDigits> constraints = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RisingDigits c = new RisingDigits(2, 2 + i);
            constraints.add(c);
            // Half the batch is unconstrained, so masks must not leak between members.
            batch.add(new GenerationRequest(new int[] {20 + i}, sampled(i), null, null, i % 2 == 0 ? c : null));
        }
        List<Generation> together = gen.generateBatch(model, batch);
        assertThat(model.maxBatch).isGreaterThan(1);
        for (int i = 0; i < batch.size(); i++) {
            GenerationRequest r = batch.get(i);
            RisingDigits fresh = i % 2 == 0 ? new RisingDigits(2, 2 + i) : null;
            Generation alone = gen.generate(model, new GenerationRequest(r.promptIds(), r.params(), null, null, fresh));
            assertThat(together.get(i).tokenIds()).containsExactly(alone.tokenIds());
            if (i % 2 == 0) {
                assertRising(together.get(i), constraints.get(i));
            }
        }
    }

    @Test
    void topLogprobsListOnlyTokensTheConstraintAllows() {
        SamplingParams p = SamplingParams.builder().temperature(1f).seed(5L).maxTokens(40).eosTokenIds(Set.of(EOS))
                .logprobs(true).topLogprobs(20).build();
        Generation g = new Generator(null).generate(new BigramModel(V, 64, 2),
                new GenerationRequest(new int[] {20}, p, null, null, new RisingDigits(2, 3)));
        assertThat(g.logprobs()).isNotEmpty().allSatisfy(lp -> {
            assertThat(lp.top()).isNotEmpty().hasSizeLessThan(20)
                    .allSatisfy(alt -> assertThat(alt.logprob()).isFinite());
            assertThat(lp.logprob()).isFinite();
        });
    }

    @Test
    void ignoreEosKeepsEosMaskedEvenWhenComplete() {
        RisingDigits c = new RisingDigits(1, 9);
        SamplingParams p = SamplingParams.builder().temperature(1f).seed(5L).maxTokens(40).eosTokenIds(Set.of(EOS))
                .ignoreEos(true).build();
        Generation g = new Generator(null).generate(new BigramModel(V, 64, 2),
                new GenerationRequest(new int[] {20}, p, null, null, c));
        assertThat(g.tokenIds()).doesNotContain(EOS);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(c.canContinue()).isFalse();
    }
}
