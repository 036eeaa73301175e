package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our own cases: hand-computed scores, edge cases, multiple references, the API's errors. */
class RougeScorerTest {

    private static final double TOL = 1e-12;
    private static final List<String> ALL = List.of("rouge1", "rouge2", "rougeL", "rougeLsum");

    private static void assertScore(RougeScore s, double p, double r, double f) {
        assertThat(s.precision()).as("precision").isCloseTo(p, within(TOL));
        assertThat(s.recall()).as("recall").isCloseTo(r, within(TOL));
        assertThat(s.fmeasure()).as("fmeasure").isCloseTo(f, within(TOL));
    }

    @Test
    void a_sentence_with_one_word_changed_scores_as_counted_by_hand() {
        Map<String, RougeScore> s = new RougeScorer(ALL, false).score(
                "The cat sat on the mat.", "the cat lay on the mat");
        assertScore(s.get("rouge1"), 5 / 6.0, 5 / 6.0, 5 / 6.0);   // the x2, cat, on, mat
        assertScore(s.get("rouge2"), 3 / 5.0, 3 / 5.0, 3 / 5.0);   // the cat, on the, the mat
        assertScore(s.get("rougeL"), 5 / 6.0, 5 / 6.0, 5 / 6.0);
        assertScore(s.get("rougeLsum"), 5 / 6.0, 5 / 6.0, 5 / 6.0);
        assertThat(s.keySet()).containsExactlyElementsOf(ALL);
    }

    @Test
    void identical_texts_score_one() {
        Map<String, RougeScore> s =
                new RougeScorer(ALL, true).score("Dogs are running home.", "dogs ARE running, home");
        s.values().forEach(v -> assertScore(v, 1, 1, 1));
    }

    @Test
    void a_single_word_has_no_bigrams_so_rouge2_is_zero_even_when_equal() {
        Map<String, RougeScore> same = new RougeScorer(ALL, false).score("hello", "Hello!");
        assertScore(same.get("rouge1"), 1, 1, 1);
        assertScore(same.get("rouge2"), 0, 0, 0);
        assertScore(same.get("rougeL"), 1, 1, 1);
        assertScore(same.get("rougeLsum"), 1, 1, 1);
        new RougeScorer(ALL, false).score("hello", "world").values().forEach(v -> assertScore(v, 0, 0, 0));
    }

    @Test
    void empty_strings_score_zero_on_either_side() {
        RougeScorer scorer = new RougeScorer(ALL, true);
        String[][] pairs = {{"", ""}, {"", "a b"}, {"a b", ""}, {"\n\n", "a"}, {"?!", "..."}};
        for (String[] pair : pairs) {
            scorer.score(pair[0], pair[1]).values().forEach(v -> assertScore(v, 0, 0, 0));
        }
    }

    @Test
    void non_ascii_text_has_no_tokens_and_scores_zero_even_when_identical() {
        // rouge-score's tokenizer keeps [a-z0-9] only: identical Japanese or Russian texts score 0
        RougeScorer scorer = new RougeScorer(ALL, false);
        for (String text : List.of("東京は晴れです", "Привет мир")) {
            scorer.score(text, text).values().forEach(v -> assertScore(v, 0, 0, 0));
        }
        // accented Latin keeps its ASCII pieces: "café" -> "caf", "naïve" -> "na", "ve"
        assertScore(scorer.score("café naïve", "cafe naive").get("rouge1"), 0, 0, 0);
        assertScore(scorer.score("café naïve", "caf na ve").get("rouge1"), 1, 1, 1);
    }

    @Test
    void a_custom_tokenizer_scores_text_the_default_one_cannot_see() {
        RougeTokenizer chars = text -> text.codePoints().filter(Character::isLetter)
                .mapToObj(Character::toString).toList();
        RougeScorer scorer = new RougeScorer(List.of("rouge1", "rougeL"), chars, false);
        assertScore(scorer.score("東京は晴れ", "東京は雨").get("rouge1"),
                3 / 4.0, 3 / 5.0, 2 * 0.75 * 0.6 / 1.35);
        assertThat(scorer.signature()).contains("tok:custom");
    }

    @Test
    void rouge_lsum_matches_sentences_in_any_order_unlike_rouge_l() {
        Map<String, RougeScore> s =
                RougeScorer.of("rougeL", "rougeLsum").score("a b c\nd e f", "d e f\na b c");
        assertScore(s.get("rougeL"), 0.5, 0.5, 0.5);
        assertScore(s.get("rougeLsum"), 1, 1, 1);
    }

    @Test
    void rouge_lsum_counts_each_token_once_across_reference_sentences() {
        // both reference lines match "x y", but the prediction holds one x and one y
        assertScore(RougeScorer.of("rougeLsum").score("x y\nx y", "x y").get("rougeLsum"), 1, 0.5, 2 / 3.0);
    }

    @Test
    void rouge_lsum_ignores_blank_lines_and_carriage_returns() {
        assertScore(RougeScorer.of("rougeLsum").score("a b c\n\n\nd e\n", "a b\r\nd e f").get("rougeLsum"),
                0.8, 0.8, 0.8);
    }

    @Test
    void split_summaries_makes_sentences_of_unbroken_text() {
        String target = "The cat sat. The dog ran.";
        String prediction = "The dog ran. The cat sat.";
        RougeScorer split = new RougeScorer(List.of("rougeLsum"), false, true);
        assertScore(split.score(target, prediction).get("rougeLsum"), 1, 1, 1);
        // without splitting each text is one sentence: plain LCS, 3 of 6
        RougeScorer lines = new RougeScorer(List.of("rougeLsum"), false, false);
        assertScore(lines.score(target, prediction).get("rougeLsum"), 0.5, 0.5, 0.5);
    }

    @Test
    void score_multi_takes_per_type_the_target_with_the_highest_f_first_on_ties() {
        RougeScorer scorer = RougeScorer.of("rouge1", "rouge2", "rougeL");
        Map<String, RougeScore> s =
                scorer.scoreMulti(List.of("the cat sat on a mat today", "sat the cat"), "the cat sat");
        assertScore(s.get("rouge1"), 1, 1, 1);                  // second target
        assertScore(s.get("rouge2"), 1, 1 / 3.0, 0.5);          // F ties at 0.5: the first target
        assertScore(s.get("rougeL"), 2 / 3.0, 2 / 3.0, 2 / 3.0); // second target
        assertThat(scorer.scoreMulti(List.of("a b"), "a")).isEqualTo(scorer.score("a b", "a"));
    }

    @Test
    void corpus_scoring_feeds_the_aggregator_with_every_pair() {
        BootstrapAggregator agg = new BootstrapAggregator();
        Map<String, AggregateScore> out = RougeScorer.of("rouge1").scoreCorpus(
                List.of("a b", "c d"), List.of("a b", "c d"), agg);
        assertThat(agg.count("rouge1")).isEqualTo(2);
        assertScore(out.get("rouge1").mid(), 1, 1, 1);
    }

    @Test
    void duplicate_types_are_scored_once_and_the_signature_names_the_settings() {
        RougeScorer scorer = new RougeScorer(List.of("rouge1", "rougeLsum", "rouge1"), true, true);
        assertThat(scorer.rougeTypes()).extracting(RougeType::name).containsExactly("rouge1", "rougeLsum");
        assertThat(scorer.signature())
                .isEqualTo("rouge-score|types:rouge1,rougeLsum|tok:default+porter|sent:split");
        assertThat(RougeType.parse("rouge7")).isEqualTo(new RougeType("rouge7", RougeType.Kind.NGRAM, 7));
    }

    @Test
    void bad_arguments_are_rejected_with_their_name() {
        RougeScorer scorer = RougeScorer.of("rouge1");
        assertThatThrownBy(() -> scorer.score(null, "a")).hasMessageContaining("target");
        assertThatThrownBy(() -> scorer.score("a", null)).hasMessageContaining("prediction");
        assertThatThrownBy(() -> scorer.scoreMulti(List.of(), "a")).hasMessageContaining("targets");
        assertThatThrownBy(() -> new RougeScorer(List.of(), false)).hasMessageContaining("rougeTypes");
        assertThatThrownBy(() -> scorer.scoreCorpus(List.of("a"), List.of(), new BootstrapAggregator()))
                .hasMessageContaining("equal size");
        assertThatThrownBy(() -> new RougeScore(1.5, 0, 0)).hasMessageContaining("precision");
    }
}
