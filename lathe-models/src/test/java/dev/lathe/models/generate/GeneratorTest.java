package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.models.ContextLengthExceededException;
import dev.lathe.models.generate.FakeModels.BigramModel;
import dev.lathe.models.generate.FakeModels.PositionalModel;
import dev.lathe.models.generate.FakeModels.ScriptedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The generation loop on fake models: finish reasons, streaming, stop sequences, logprobs, limits. */
class GeneratorTest {
    // Piece vocabulary for scripted runs: id -> text.
    private static final String[] PIECES = {"<s>", "Hel", "lo", " wor", "ld", "!", "xa", "b", "c", "</s>", "o"};
    private static final Generator TEXT = new Generator(FakeModels.pieces(PIECES));
    private static final int[] BOS = {0};

    /** Records the stream. */
    private static final class Recorder implements TokenListener {
        final List<Integer> ids = new ArrayList<>();
        final List<String> deltas = new ArrayList<>();
        final List<TokenLogprobs> logprobs = new ArrayList<>();

        @Override
        public void onToken(int tokenId, String textDelta, TokenLogprobs lp) {
            ids.add(tokenId);
            deltas.add(textDelta);
            logprobs.add(lp);
        }

        String text() {
            return String.join("", deltas);
        }
    }

    private static ScriptedModel scripted(int... script) {
        return new ScriptedModel(PIECES.length, 64, 1, script);
    }

    @Test
    void greedyDecodingFollowsTheModelUntilMaxTokens() {
        ScriptedModel model = scripted(1, 2, 3, 4, 5);
        Recorder rec = new Recorder();
        Generation g = TEXT.generate(model, BOS, SamplingParams.greedy(4), rec);
        assertThat(g.tokenIds()).containsExactly(1, 2, 3, 4);
        assertThat(g.text()).isEqualTo("Hello world");
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(g.promptTokens()).isEqualTo(1);
        assertThat(g.completionTokens()).isEqualTo(4);
        assertThat(g.decodeSteps()).isEqualTo(3);
        assertThat(g.prefillMillis()).isGreaterThanOrEqualTo(0);
        assertThat(g.decodeTokensPerSecond()).isGreaterThanOrEqualTo(0);
        assertThat(rec.ids).containsExactly(1, 2, 3, 4);
        assertThat(rec.deltas).containsExactly("Hel", "lo", " wor", "ld");
        assertThat(model.forwardCalls).isEqualTo(1);
        assertThat(model.decodeCalls).isEqualTo(3);
    }

    @Test
    void aStopSequenceSpanningTokensEndsTheTextBeforeItAndIsNotEmitted() {
        Recorder rec = new Recorder();
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(10).stop("o wo").build();
        Generation g = TEXT.generate(scripted(1, 2, 3, 4, 5), BOS, p, rec);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.text()).isEqualTo("Hell");
        assertThat(g.tokenIds()).containsExactly(1, 2, 3); // the token that completed the stop is kept
        // "lo": the "o" might start "o wo", so it is held back, then dropped with the match.
        assertThat(rec.deltas).containsExactly("Hel", "l", "");
    }

    @Test
    void heldBackTextIsReleasedOnceItCannotBeAStop() {
        Recorder rec = new Recorder();
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(4).stop("ab!").build();
        Generation g = TEXT.generate(scripted(6, 7, 8, 5), BOS, p, rec);
        assertThat(rec.deltas).containsExactly("x", "", "abc", "!");
        assertThat(g.text()).isEqualTo("xabc!");
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void heldBackTextIsFlushedWhenTheLengthRunsOut() {
        Recorder rec = new Recorder();
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(2).stop("ab!").build();
        Generation g = TEXT.generate(scripted(6, 7), BOS, p, rec);
        assertThat(rec.deltas).containsExactly("x", "ab");
        assertThat(g.text()).isEqualTo("xab");
    }

    @Test
    void theEarliestOfSeveralStopSequencesWins() {
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(10).stop("world", "lo w", "!").build();
        Generation g = TEXT.generate(scripted(1, 2, 3, 4, 5), BOS, p);
        assertThat(g.text()).isEqualTo("Hel");
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void aStopSequenceInsideOneTokenCutsThatTokensText() {
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(10).stop("w").build();
        Recorder rec = new Recorder();
        Generation g = TEXT.generate(scripted(1, 2, 3, 4), BOS, p, rec);
        assertThat(g.text()).isEqualTo("Hello ");
        assertThat(rec.text()).isEqualTo(g.text());
    }

    @Test
    void anEosTokenEndsTheSequenceWithoutItsText() {
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(10).eosTokenIds(Set.of(9)).build();
        Generation g = TEXT.generate(scripted(1, 2, 9, 3), BOS, p);
        assertThat(g.finishReason()).isEqualTo(FinishReason.EOS);
        assertThat(g.tokenIds()).containsExactly(1, 2, 9);
        assertThat(g.text()).isEqualTo("Hello");
    }

    @Test
    void ignoreEosGoesOnPastEos() {
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(4).eosTokenIds(Set.of(9))
                .ignoreEos(true).build();
        Generation g = TEXT.generate(scripted(1, 2, 9, 3), BOS, p);
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(g.tokenIds()).containsExactly(1, 2, 9, 3);
        assertThat(g.text()).isEqualTo("Hello</s> wor");
    }

    @Test
    void aStopTokenIdEndsWithStopAndReleasesHeldText() {
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(10).stopTokenIds(Set.of(5))
                .stop("ab!").ignoreEos(true).build();
        Recorder rec = new Recorder();
        Generation g = TEXT.generate(scripted(6, 7, 5), BOS, p, rec);
        assertThat(g.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(g.tokenIds()).containsExactly(6, 7, 5);
        assertThat(rec.deltas).containsExactly("x", "", "ab");
        assertThat(g.text()).isEqualTo("xab");
    }

    @Test
    void multiByteCharactersSplitAcrossTokensAreEmittedWhole() {
        // "é" is C3 A9 and "€" is E2 82 AC.
        ScriptedModel model = new ScriptedModel(256, 64, 1, 'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 'b');
        Recorder rec = new Recorder();
        Generation g = new Generator(FakeModels.bytes()).generate(model, new int[] {'>'}, SamplingParams.greedy(7),
                rec);
        assertThat(rec.deltas).containsExactly("a", "", "é", "", "", "€", "b");
        assertThat(g.text()).isEqualTo("aé€b");
    }

    @Test
    void anIncompleteCharacterAtTheEndIsFlushedAsReplacement() {
        ScriptedModel model = new ScriptedModel(256, 64, 1, 'a', 0xC3);
        Generation g = new Generator(FakeModels.bytes()).generate(model, new int[] {'>'}, SamplingParams.greedy(2));
        assertThat(g.text()).isEqualTo("a\uFFFD");
    }

    @Test
    void leadingSpacesComeOutAsInAFullDecodeWithSentencePiece() {
        String[] pieces = {"<s>", "\u2581Say", "\u2581hi", "\u2581there", "!"};
        ScriptedModel model = new ScriptedModel(pieces.length, 64, 2, 2, 3, 4);
        Recorder rec = new Recorder();
        Generation g = new Generator(FakeModels.sentencePiece(pieces)).generate(model, new int[] {0, 1},
                SamplingParams.greedy(3), rec);
        assertThat(g.text()).isEqualTo(" hi there!");
        assertThat(rec.deltas).containsExactly(" hi", " there", "!");
    }

    @Test
    void theSameSeedGivesTheSameOutputAndAnotherSeedAnother() {
        BigramModel model = new BigramModel(50, 256, 3);
        SamplingParams p = SamplingParams.builder().temperature(1.1f).topP(0.95f).maxTokens(40).seed(7L).build();
        Generator gen = new Generator(null);
        Generation a = gen.generate(model, new int[] {1, 2}, p);
        Generation b = gen.generate(model, new int[] {1, 2}, p);
        Generation c = gen.generate(model, new int[] {1, 2}, p.toBuilder().seed(8L).build());
        assertThat(a.tokenIds()).containsExactly(b.tokenIds());
        assertThat(a.tokenIds()).isNotEqualTo(c.tokenIds());
        assertThat(a.text()).isEmpty();
    }

    @Test
    void logprobsCoverEveryTokenAndSumToOneOverTheVocabulary() {
        PositionalModel model = new PositionalModel(12, 64);
        SamplingParams p = SamplingParams.builder().temperature(0.7f).topK(5).seed(3L).maxTokens(6)
                .topLogprobs(12).build();
        Recorder rec = new Recorder();
        Generation g = new Generator(null).generate(model, new int[] {4}, p, rec);
        assertThat(g.logprobs()).hasSize(6).containsExactlyElementsOf(rec.logprobs);
        for (int i = 0; i < 6; i++) {
            TokenLogprobs lp = g.logprobs().get(i);
            assertThat(lp.tokenId()).isEqualTo(g.tokenIds()[i]);
            assertThat(lp.top()).hasSize(12);
            double sum = 0;
            for (int j = 0; j < 12; j++) {
                sum += Math.exp(lp.top().get(j).logprob());
                if (j > 0) {
                    assertThat(lp.top().get(j).logprob()).isLessThanOrEqualTo(lp.top().get(j - 1).logprob());
                }
                if (lp.top().get(j).tokenId() == lp.tokenId()) {
                    assertThat(lp.top().get(j).logprob()).isEqualTo(lp.logprob());
                }
            }
            assertThat(sum).isCloseTo(1.0, within(1e-5));
        }
    }

    @Test
    void withoutLogprobsTheListenerGetsNull() {
        Recorder rec = new Recorder();
        Generation g = TEXT.generate(scripted(1, 2), BOS, SamplingParams.greedy(2), rec);
        assertThat(rec.logprobs).containsOnlyNulls();
        assertThat(g.logprobs()).isEmpty();
    }

    @Test
    void cancellingFromTheListenerStopsBeforeTheNextDecode() {
        ScriptedModel model = scripted(1, 2, 3, 4, 5);
        CancellationToken cancel = new CancellationToken();
        List<Integer> seen = new ArrayList<>();
        Generation g = TEXT.generate(model, BOS, SamplingParams.greedy(10), (id, text, lp) -> {
            seen.add(id);
            if (seen.size() == 3) {
                cancel.cancel();
            }
        }, cancel);
        assertThat(g.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(g.tokenIds()).containsExactly(1, 2, 3);
        assertThat(g.text()).isEqualTo("Hello wor");
        assertThat(model.decodeCalls).isEqualTo(2);
    }

    @Test
    void aRequestCancelledBeforeItStartsNeverRunsTheModel() {
        ScriptedModel model = scripted(1, 2);
        CancellationToken cancel = new CancellationToken();
        cancel.cancel();
        Generation g = TEXT.generate(model, BOS, SamplingParams.greedy(10), TokenListener.NONE, cancel);
        assertThat(g.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(g.tokenIds()).isEmpty();
        assertThat(model.forwardCalls + model.decodeCalls).isZero();
    }

    @Test
    void promptPlusMaxTokensBeyondTheContextFailsBeforeRunning() {
        PositionalModel model = new PositionalModel(8, 32);
        int[] prompt = new int[10];
        assertThatThrownBy(() -> new Generator(null).generate(model, prompt, SamplingParams.greedy(30)))
                .isInstanceOfSatisfying(ContextLengthExceededException.class, e -> {
                    assertThat(e.requested()).isEqualTo(40);
                    assertThat(e.limit()).isEqualTo(32);
                });
        assertThat(model.forwardCalls).isZero();
    }

    @Test
    void fitToContextLowersMaxTokensToWhatFits() {
        PositionalModel model = new PositionalModel(8, 32);
        SamplingParams p = SamplingParams.builder().temperature(0).maxTokens(30).fitToContext(true).build();
        Generation g = new Generator(null).generate(model, new int[10], p);
        assertThat(g.completionTokens()).isEqualTo(22);
        assertThat(g.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThatThrownBy(() -> new Generator(null).generate(model, new int[32], p))
                .isInstanceOf(ContextLengthExceededException.class);
    }

    @Test
    void badRequestsAreRejectedWithTheirDefect() {
        PositionalModel model = new PositionalModel(8, 32);
        Generator gen = new Generator(null);
        assertThatThrownBy(() -> gen.generate(model, new int[0], SamplingParams.greedy(2)))
                .hasMessageContaining("promptIds");
        assertThatThrownBy(() -> gen.generate(model, new int[] {1, 8}, SamplingParams.greedy(2)))
                .hasMessageContaining("promptIds[1] = 8");
        assertThatThrownBy(() -> gen.generate(model, new int[] {1},
                SamplingParams.builder().logitBias(Map.of(9, 1f)).build())).hasMessageContaining("logitBias");
        assertThatThrownBy(() -> gen.generate(model, new int[] {1}, SamplingParams.builder().stop("x").build()))
                .hasMessageContaining("TokenDecoder");
        assertThat(model.forwardCalls).isZero();
    }
}
