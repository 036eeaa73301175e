package dev.lathe.eval.perplexity;

import dev.lathe.engine.testing.BundledModels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lathe.models.load.LoadedModel;
import dev.lathe.models.load.ModelLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Perplexity of a real pretrained model, TinyStories-656K (read from lathe-models' test resources): its
 * own greedy stories are easy for it, the same words shuffled are not, and overlapping windows (more
 * context per token) do no worse than disjoint chunks.
 */
class TinyStoriesPerplexityTest {
    private static LoadedModel model;
    private static String story;      // greedy-once-upon-a-time.txt: prompt and continuation
    private static String otherStory; // greedy-tom-and-lily.txt

    @BeforeAll
    static void load() throws IOException {
        model = ModelLoader.loadFolder(BundledModels.tinyStories656K());
        story = greedyStory("greedy-once-upon-a-time.txt");
        otherStory = greedyStory("greedy-tom-and-lily.txt");
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The file's story text: the prompt line with the " |" marker between prompt and continuation removed. */
    private static String greedyStory(String file) throws IOException {
        String all = Files.readString(BundledModels.tinyStories656K().resolve(file));
        String text = all.substring(all.indexOf('\n') + 1).stripTrailing();
        int bar = text.indexOf(" |");
        return text.substring(0, bar) + text.substring(bar + 2);
    }

    @Test
    void aStoryTheModelWroteGreedilyHasLowPerplexity() {
        PerplexityResult r = Perplexity.ofText(model, story, PerplexityOptions.defaults());
        System.out.println("greedy story: " + r.describe());
        assertThat(r.settings()).isEqualTo(new PerplexitySettings(512, 512, true));
        int textTokens = model.tokenizer().encode(story, false).length;
        assertThat(r.texts().getFirst().tokens()).isEqualTo(textTokens + 1); // BOS prepended: every text token scored
        assertThat(r.tokensScored()).isEqualTo(textTokens);
        assertThat(r.perplexity()).isBetween(1.0, 5.0);
        assertThat(r.bitsPerToken()).isCloseTo(Math.log(r.perplexity()) / Math.log(2), within(1e-12));
    }

    @Test
    void shuffledWordsHaveAMuchHigherPerplexity() {
        List<String> words = new ArrayList<>(Arrays.asList(story.split(" ")));
        Collections.shuffle(words, new Random(7));
        String shuffled = String.join(" ", words);
        double greedy = Perplexity.ofText(model, story, PerplexityOptions.defaults()).perplexity();
        PerplexityResult r = Perplexity.ofText(model, shuffled, PerplexityOptions.defaults());
        System.out.println("shuffled words: " + r.describe());
        assertThat(r.perplexity()).isGreaterThan(5 * greedy);
    }

    @Test
    void overlappingWindowsDoNoWorseThanDisjointChunks() {
        String text = story + "\n" + otherStory;
        PerplexityResult chunks = Perplexity.ofText(model, text, PerplexityOptions.defaults().withWindow(32));
        PerplexityResult sliding = Perplexity.ofText(model, text, PerplexityOptions.defaults().withWindow(32).withStride(8));
        PerplexityResult whole = Perplexity.ofText(model, text, PerplexityOptions.defaults());
        System.out.println("window 32 stride 32: " + chunks.describe());
        System.out.println("window 32 stride 8:  " + sliding.describe());
        System.out.println("whole text:          " + whole.describe());
        assertThat(whole.texts().getFirst().tokens()).isGreaterThan(4 * 32); // several windows
        assertThat(sliding.tokensScored()).isEqualTo(whole.tokensScored());
        assertThat(chunks.tokensScored()).isLessThan(whole.tokensScored()); // each chunk's first token is context only
        assertThat(sliding.perplexity()).isLessThanOrEqualTo(chunks.perplexity());
        assertThat(whole.perplexity()).isLessThanOrEqualTo(sliding.perplexity());
    }

    @Test
    void withoutBosTheTextsFirstTokenIsOnlyContext() {
        PerplexityResult with = Perplexity.ofText(model, story, PerplexityOptions.defaults().withBos(Bos.ADD));
        PerplexityResult without = Perplexity.ofText(model, story, PerplexityOptions.defaults().withBos(Bos.NONE));
        assertThat(without.settings().bos()).isFalse();
        assertThat(with.settings().bos()).isTrue();
        assertThat(without.tokensScored()).isEqualTo(with.tokensScored() - 1);
    }

    @Test
    void aDatasetIsTheTokenWeightedCorpusOfItsTexts() {
        PerplexityOptions options = PerplexityOptions.defaults().withWindow(64).withStride(32);
        PerplexityResult corpus = Perplexity.ofTexts(model, List.of(story, otherStory), options);
        PerplexityResult a = Perplexity.ofText(model, story, options);
        PerplexityResult b = Perplexity.ofText(model, otherStory, options);
        assertThat(corpus.texts()).containsExactly(a.texts().getFirst(), b.texts().getFirst());
        assertThat(corpus.tokensScored()).isEqualTo(a.tokensScored() + b.tokensScored());
        assertThat(corpus.meanNll()).isCloseTo((a.totalNll() + b.totalNll()) / corpus.tokensScored(), within(1e-12));
        assertThat(corpus.perplexity()).isBetween(Math.min(a.perplexity(), b.perplexity()),
                Math.max(a.perplexity(), b.perplexity()));
    }

    @Test
    void theFullSequenceLogitsAgreeWithTheInferencePath() {
        int[] ids = model.encode(story);
        int t = 40;
        double[] nll = TokenScorer.of(model.model()).nll(Arrays.copyOf(ids, t), t - 1);
        float[] logits = model.model().forward(Arrays.copyOf(ids, t - 1), model.model().newCache(t));
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        assertThat(nll[0]).isCloseTo(max + Math.log(sum) - logits[ids[t - 1]], within(1e-4));
    }
}
