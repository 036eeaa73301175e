package dev.lathe.models.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.models.generate.FakeModels.BigramModel;
import dev.lathe.models.generate.FakeModels.PositionalModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batched generation gives exactly what separate runs give, with sequences joining and leaving freely. */
class BatchGenerationTest {
    private static final int V = 40;
    private static final String[] PIECES = new String[V];

    static {
        for (int i = 0; i < V; i++) {
            PIECES[i] = Character.toString('a' + i % 26) + (i % 7 == 0 ? " " : "");
        }
    }

    private static final Generator GEN = new Generator(FakeModels.pieces(PIECES));

    private static List<GenerationRequest> requests() {
        return List.of(
                new GenerationRequest(new int[] {1, 2, 3}, SamplingParams.greedy(12)),
                new GenerationRequest(new int[] {5}, SamplingParams.builder().temperature(0.8f).topK(6).seed(1L)
                        .maxTokens(20).logprobs(true).topLogprobs(3).build()),
                new GenerationRequest(new int[] {7, 7, 7, 7}, SamplingParams.builder().temperature(1.2f).topP(0.9f)
                        .minP(0.05f).repetitionPenalty(1.3f).frequencyPenalty(0.5f).presencePenalty(0.3f)
                        .logitBias(Map.of(3, 2f)).seed(2L).maxTokens(25).build()),
                new GenerationRequest(new int[] {9, 4}, SamplingParams.builder().temperature(1f).seed(3L)
                        .maxTokens(30).eosTokenIds(Set.of(11, 12)).stop("q", "de").build()),
                new GenerationRequest(new int[] {2}, SamplingParams.builder().seed(4L).maxTokens(1).build()));
    }

    private static void assertSame(Generation batched, Generation alone) {
        assertThat(batched.tokenIds()).containsExactly(alone.tokenIds());
        assertThat(batched.text()).isEqualTo(alone.text());
        assertThat(batched.finishReason()).isEqualTo(alone.finishReason());
        assertThat(batched.logprobs()).isEqualTo(alone.logprobs());
    }

    @Test
    void aBatchGivesWhatSeparateRunsGive() {
        for (FakeModels.FakeModel model : List.of(new BigramModel(V, 128, 5), new PositionalModel(V, 128))) {
            List<Generation> batched = GEN.generateBatch(model, requests());
            assertThat(model.maxBatch).isGreaterThan(1);
            for (int i = 0; i < requests().size(); i++) {
                assertSame(batched.get(i), GEN.generate(model, requests().get(i)));
            }
            // Sequences really finished independently.
            assertThat(batched).extracting(Generation::completionTokens).doesNotHaveDuplicates();
        }
    }

    @Test
    void sequencesMayJoinAndLeaveBetweenSteps() {
        BigramModel model = new BigramModel(V, 128, 9);
        List<GenerationRequest> reqs = requests();
        BatchStep batch = new BatchStep(model);
        List<SequenceState> states = new ArrayList<>();
        for (int i = 0; i < reqs.size(); i++) {
            SequenceState s = GEN.newSequence(model, reqs.get(i));
            states.add(s);
            batch.add(s);
            batch.step();
            batch.step();
        }
        batch.drain();
        assertThat(batch.isEmpty()).isTrue();
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(states.get(i).isFinished()).isTrue();
            assertSame(states.get(i).result(), GEN.generate(model, reqs.get(i)));
        }
    }

    @Test
    void cancellingOneSequenceLeavesTheOthersRunning() {
        BigramModel model = new BigramModel(V, 128, 5);
        CancellationToken cancel = new CancellationToken();
        List<GenerationRequest> reqs = List.of(
                new GenerationRequest(new int[] {1}, SamplingParams.greedy(10),
                        (id, text, lp) -> cancel.cancel(), cancel),
                new GenerationRequest(new int[] {2}, SamplingParams.greedy(10)));
        List<Generation> out = GEN.generateBatch(model, reqs);
        assertThat(out.get(0).finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(out.get(0).completionTokens()).isEqualTo(1);
        assertThat(out.get(1).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertSame(out.get(1), GEN.generate(model, reqs.get(1)));
    }
}
