package dev.lathe.eval.perplexity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The sliding window and the accounting, with fake scorers whose NLL reveals which token was scored. */
class PerplexityWindowsTest {
    /** Ids are positions; the "NLL" of a token is its position, so the total NLL is the sum of scored positions. */
    private static final class PositionScorer implements TokenScorer {
        final int context;
        final List<int[]> windows = new ArrayList<>();

        PositionScorer(int context) {
            this.context = context;
        }

        @Override
        public int contextLength() {
            return context;
        }

        @Override
        public int vocabSize() {
            return 1000;
        }

        @Override
        public double[] nll(int[] ids, int from) {
            assertThat(ids.length).isLessThanOrEqualTo(context);
            assertThat(from).isBetween(1, ids.length - 1);
            windows.add(ids);
            double[] out = new double[ids.length - from];
            for (int j = from; j < ids.length; j++) {
                out[j - from] = ids[j];
            }
            return out;
        }
    }

    /** Every token equally likely among V: the perplexity is exactly V. */
    private record UniformScorer(int contextLength, int vocabSize) implements TokenScorer {
        @Override
        public double[] nll(int[] ids, int from) {
            double[] out = new double[ids.length - from];
            java.util.Arrays.fill(out, Math.log(vocabSize));
            return out;
        }
    }

    private static int[] positions(int n) {
        return IntStream.range(0, n).toArray();
    }

    @Property(tries = 200)
    void everyTokenButTheFirstIsScoredOnceWhenWindowsOverlap(@ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 2, max = 20) int window, @ForAll @IntRange(min = 1, max = 19) int strideSeed) {
        int stride = 1 + (strideSeed - 1) % (window - 1); // 1..window-1
        TextPerplexity t = TextPerplexity.of(n, Perplexity.slide(new PositionScorer(window), positions(n), window, stride));
        assertThat(t.tokensScored()).isEqualTo(n - 1);
        assertThat(t.totalNll()).isEqualTo((double) n * (n - 1) / 2); // 1 + 2 + ... + n-1
        assertThat(t.windows().getFirst().begin()).isZero();
        assertThat(t.windows().getLast().end()).isEqualTo(n);
        for (int i = 1; i < t.windows().size(); i++) {
            WindowScore w = t.windows().get(i);
            assertThat(w.begin()).isEqualTo(i * stride);
            // Each scored token keeps at least window - stride tokens of context.
            assertThat(w.end() - w.scored() - w.begin()).isGreaterThanOrEqualTo(window - stride);
        }
    }

    @Property(tries = 200)
    void disjointChunksLeaveEachChunksFirstTokenUnscored(@ForAll @IntRange(min = 1, max = 60) int n,
            @ForAll @IntRange(min = 2, max = 20) int window) {
        TextPerplexity t = TextPerplexity.of(n, Perplexity.slide(new PositionScorer(window), positions(n), window, window));
        int chunks = (n + window - 1) / window;
        assertThat(t.windows()).hasSize(chunks);
        assertThat(t.tokensScored()).isEqualTo(n - chunks);
        double starts = IntStream.range(0, chunks).map(c -> c * window).sum();
        assertThat(t.totalNll()).isEqualTo((double) n * (n - 1) / 2 - starts);
    }

    @Test
    void aUniformModelHasThePerplexityOfItsVocabulary() {
        PerplexityResult r = Perplexity.ofTokens(new UniformScorer(8, 37), List.of(positions(30), positions(3)),
                PerplexityOptions.defaults().withStride(3));
        assertThat(r.perplexity()).isCloseTo(37, within(1e-9));
        assertThat(r.bitsPerToken()).isCloseTo(Math.log(37) / Math.log(2), within(1e-12));
        assertThat(r.tokensScored()).isEqualTo(29 + 2);
        assertThat(r.settings()).isEqualTo(new PerplexitySettings(8, 3, false));
        assertThat(r.describe()).contains("perplexity 37.0000", "31 tokens", "window=8 stride=3 bos=no");
    }

    @Test
    void theCorpusIsTokenWeightedAndShortSequencesScoreNothing() {
        PerplexityResult r = Perplexity.ofTokens(new PositionScorer(10), List.of(positions(5), positions(1),
                new int[0], positions(3)), PerplexityOptions.defaults());
        assertThat(r.texts()).extracting(TextPerplexity::tokensScored).containsExactly(4L, 0L, 0L, 2L);
        assertThat(r.texts().get(1).perplexity()).isNaN();
        assertThat(r.texts().get(2).windows()).isEmpty();
        assertThat(r.totalNll()).isEqualTo(10 + 3);
        assertThat(r.meanNll()).isEqualTo(13.0 / 6);
        assertThat(r.texts().getFirst().meanNll()).isEqualTo(10.0 / 4);
    }

    @Test
    void badOptionsAndInputsAreRejectedWithTheirValues() {
        PositionScorer s = new PositionScorer(16);
        assertThatThrownBy(() -> new PerplexityOptions(1, 0, Bos.AUTO)).hasMessageContaining("window must be >= 2");
        assertThatThrownBy(() -> new PerplexityOptions(8, 9, Bos.AUTO)).hasMessageContaining("stride 9 is larger than window 8");
        assertThatThrownBy(() -> PerplexityOptions.defaults().withStride(-1)).hasMessageContaining("stride must be >= 1");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(positions(4)), PerplexityOptions.defaults().withWindow(17)))
                .hasMessageContaining("window 17 exceeds the model's context of 16");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(positions(4)), PerplexityOptions.defaults().withStride(17)))
                .hasMessageContaining("stride 17 is larger than window 16");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(new int[] {3, 1000}), PerplexityOptions.defaults()))
                .hasMessageContaining("sequences[0][1] = 1000").hasMessageContaining("vocabulary of 1000");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(), PerplexityOptions.defaults()))
                .hasMessageContaining("sequences must not be empty");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(new int[] {7}), PerplexityOptions.defaults()))
                .hasMessageContaining("no token could be scored");
        assertThatThrownBy(() -> Perplexity.ofTokens(s, List.of(positions(4)), PerplexityOptions.defaults().withBos(Bos.ADD)))
                .hasMessageContaining("prepend the BOS id");
    }
}
