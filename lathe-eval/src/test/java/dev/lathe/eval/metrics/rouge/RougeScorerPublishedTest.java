package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** rouge-score's own published tests (rouge_scorer_test.py), inputs and expected numbers. */
class RougeScorerPublishedTest {

    static Stream<JsonNode> cases() throws Exception {
        JsonNode root = new ObjectMapper().readTree(RougeTestData.text("rouge_score_tests.json"));
        List<JsonNode> cases = new ArrayList<>();
        root.get("cases").forEach(cases::add);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void published_case_matches_rouge_score(JsonNode c) {
        List<String> types = new ArrayList<>();
        c.get("types").forEach(t -> types.add(t.asText()));
        String target;
        String prediction;
        if (c.has("targetFile")) {
            if (c.has("line")) {
                int line = c.get("line").asInt();
                target = RougeTestData.readlines(c.get("targetFile").asText()).get(line);
                prediction = RougeTestData.readlines(c.get("predictionFile").asText()).get(line);
            } else {
                target = RougeTestData.text(c.get("targetFile").asText());
                prediction = RougeTestData.text(c.get("predictionFile").asText());
            }
        } else {
            target = c.get("target").asText();
            prediction = c.get("prediction").asText();
        }
        // assertAlmostEqual(places=p) passes when round(diff, p) == 0; else 7 places
        double tol = 0.5 * Math.pow(10, -(c.has("places") ? c.get("places").asInt() : 7));
        Map<String, RougeScore> result =
                new RougeScorer(types, c.get("stem").asBoolean()).score(target, prediction);
        assertThat(result.keySet()).containsExactlyElementsOf(types);
        c.get("expected").fields().forEachRemaining(e -> {
            RougeScore s = result.get(e.getKey());
            JsonNode want = e.getValue();
            assertThat(s.precision()).as(e.getKey() + " precision")
                    .isCloseTo(want.get(0).asDouble(), within(tol));
            assertThat(s.recall()).as(e.getKey() + " recall")
                    .isCloseTo(want.get(1).asDouble(), within(tol));
            assertThat(s.fmeasure()).as(e.getKey() + " fmeasure")
                    .isCloseTo(want.get(2).asDouble(), within(tol));
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"rougen", "rouge0", "rouge10", "rougel", "ROUGE1", ""})
    void invalid_rouge_types_are_rejected_with_their_name(String type) {
        assertThatThrownBy(() -> new RougeScorer(List.of(type), false).score("testing one two", "testing"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + type + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"rouge1", "rouge9", "rougeL", "rougeLsum"})
    void valid_rouge_types_give_exactly_their_key(String type) {
        assertThat(RougeScorer.of(type).score("testing one two", "testing")).containsOnlyKeys(type);
    }

    @Test
    void lcs_table_and_backtrack_match_the_published_example() {
        int[] ref = {1, 2, 3, 4, 5};
        int[] c1 = {2, 5, 3, 4};
        assertThat(Lcs.tableRows(ref, c1)[ref.length][c1.length]).isEqualTo(3);
        assertThat(Lcs.length(ref, c1)).isEqualTo(3);
        assertThat(Lcs.lcsIndices(ref, c1)).containsExactly(1, 2, 3);
        int[] c2 = {8, 9};
        assertThat(Lcs.tableRows(ref, c2)[ref.length][c2.length]).isZero();
        assertThat(Lcs.lcsIndices(ref, c2)).isEmpty();
    }

    @Test
    void union_lcs_matches_the_paper_example() {
        int[] ref = {1, 2, 3, 4, 5};
        int[] c1 = {1, 2, 6, 7, 8};
        int[] c2 = {1, 3, 8, 9, 5};
        assertThat(Lcs.unionLcs(ref, new int[][] {c1, c2})).containsExactly(1, 2, 3, 5);
        assertThat(Lcs.unionLcs(ref, new int[][] {c2, c1})).containsExactly(1, 2, 3, 5);
    }

    @Test
    void summary_level_lcs_counts_union_hits_once() {
        int[][] refs = {{1, 2, 3, 4, 5}};
        int[][] cans = {{1, 2, 6, 7, 8}, {1, 3, 8, 9, 5}};
        assertThat(Lcs.summaryHits(refs, cans, 10)).isEqualTo(4); // recall 4/5, precision 4/10
        assertThat(Lcs.summaryHits(new int[][] {{0}}, new int[][] {{}}, 1)).isZero();
    }
}
