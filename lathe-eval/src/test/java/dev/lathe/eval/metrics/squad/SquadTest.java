package dev.lathe.eval.metrics.squad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** SQuAD v1.1 and v2.0 scores against squad/pairs.json and squad/corpus.json (see the README there). */
class SquadTest {
    private static final double TOL = 1e-9;

    private static JsonNode load(String name) throws IOException {
        try (InputStream in = SquadTest.class.getResourceAsStream("/squad/" + name)) {
            return new ObjectMapper().readTree(in);
        }
    }

    @Test
    void pairScoresMatchTheScriptsRules() throws IOException {
        int n = 0;
        for (JsonNode c : load("pairs.json").get("cases")) {
            String pred = c.get("prediction").asText();
            String gold = c.get("gold").asText();
            String what = c.get("note").asText() + " [" + pred + " | " + gold + "]";
            assertThat(Squad.exactMatch(pred, gold)).as(what).isEqualTo(c.get("exact").asInt() == 1);
            assertThat(Squad.f1(pred, gold)).as(what + " v1").isCloseTo(c.get("f1_v1").asDouble(), within(TOL));
            assertThat(SquadV2.f1(pred, gold)).as(what + " v2").isCloseTo(c.get("f1_v2").asDouble(), within(TOL));
            n++;
        }
        assertThat(n).isEqualTo(26);
    }

    @Test
    void corpusScoresMatchV11() throws IOException {
        for (JsonNode c : load("corpus.json").get("v1")) {
            SquadResult r = Squad.evaluate(questions(c), predictions(c));
            String what = c.get("name").asText();
            assertThat(r.exactMatch()).as(what).isCloseTo(c.get("exact_match").asDouble(), within(TOL));
            assertThat(r.f1()).as(what).isCloseTo(c.get("f1").asDouble(), within(TOL));
            assertThat(r.total()).isEqualTo(c.get("questions").size());
            List<String> unanswered = new ArrayList<>();
            if (c.has("unanswered")) c.get("unanswered").forEach(u -> unanswered.add(u.asText()));
            assertThat(r.unanswered()).as(what).isEqualTo(unanswered);
        }
    }

    @Test
    void corpusScoresMatchV20() throws IOException {
        for (JsonNode c : load("corpus.json").get("v2")) {
            Map<String, Double> na = new LinkedHashMap<>();
            c.get("na_probs").properties().forEach(e -> na.put(e.getKey(), e.getValue().asDouble()));
            SquadV2.Result r = SquadV2.evaluate(questions(c), predictions(c), na, c.get("threshold").asDouble());
            JsonNode e = c.get("expected");
            String what = c.get("name").asText();
            assertThat(r.exact()).as(what).isCloseTo(e.get("exact").asDouble(), within(TOL));
            assertThat(r.f1()).as(what).isCloseTo(e.get("f1").asDouble(), within(TOL));
            assertThat(r.total()).isEqualTo(e.get("total").asInt());
            checkSubset(what + " HasAns", r.hasAns(), e, "HasAns");
            checkSubset(what + " NoAns", r.noAns(), e, "NoAns");
            assertThat(r.bestExact()).as(what).isCloseTo(e.get("best_exact").asDouble(), within(TOL));
            assertThat(r.bestExactThresh()).as(what).isEqualTo(e.get("best_exact_thresh").asDouble());
            assertThat(r.bestF1()).as(what).isCloseTo(e.get("best_f1").asDouble(), within(TOL));
            assertThat(r.bestF1Thresh()).as(what).isEqualTo(e.get("best_f1_thresh").asDouble());
        }
    }

    private static void checkSubset(String what, java.util.Optional<SquadV2.Subset> got, JsonNode e, String prefix) {
        if (!e.has(prefix + "_total")) {
            assertThat(got).as(what).isEmpty();
            return;
        }
        assertThat(got).as(what).isPresent();
        assertThat(got.get().exact()).as(what).isCloseTo(e.get(prefix + "_exact").asDouble(), within(TOL));
        assertThat(got.get().f1()).as(what).isCloseTo(e.get(prefix + "_f1").asDouble(), within(TOL));
        assertThat(got.get().total()).as(what).isEqualTo(e.get(prefix + "_total").asInt());
    }

    @Test
    void normalizationFollowsPythonStrSemantics() {
        assertThat(SquadText.normalize("  The  Quick,\tbrown  FOX! ")).isEqualTo("quick brown fox");
        assertThat(SquadText.normalize("an—the")).isEqualTo("—"); // em dash: not punctuation, not a word char
        assertThat(SquadText.normalize("théâtre a")).isEqualTo("théâtre");
        assertThat(SquadText.normalize("a\u2003b")).isEqualTo("b"); // em space splits
        assertThat(SquadText.tokens("...")).isEmpty();
        assertThat(SquadText.tokens("the cat sat")).containsExactly("cat", "sat");
        assertThat(SquadText.normalize("𝐀 the")).isEqualTo("𝐀"); // supplementary letter (math bold A) kept
    }

    @Test
    void maxOverGoldsTakesTheBest() {
        assertThat(Squad.maxF1("Denver", List.of("Broncos", "Denver Broncos"))).isCloseTo(2.0 / 3, within(TOL));
        assertThat(Squad.maxExactMatch("the broncos", List.of("Broncos", "Denver Broncos"))).isEqualTo(1.0);
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> Squad.maxF1("x", List.of())).hasMessageContaining("golds");
        assertThatThrownBy(() -> Squad.evaluate(List.of(), Map.of())).hasMessageContaining("questions");
        assertThatThrownBy(() -> Squad.evaluate(List.of(new SquadQuestion("q", List.of())), Map.of("q", "x")))
                .hasMessageContaining("answers");
        assertThatThrownBy(() -> SquadV2.evaluate(List.of(new SquadQuestion("q", List.of())), Map.of()))
                .hasMessageContaining("predictions");
        assertThatThrownBy(() -> SquadText.normalize(null)).hasMessageContaining("answer");
    }

    private static List<SquadQuestion> questions(JsonNode c) {
        List<SquadQuestion> out = new ArrayList<>();
        for (JsonNode q : c.get("questions")) {
            List<String> answers = new ArrayList<>();
            q.get("answers").forEach(a -> answers.add(a.asText()));
            out.add(new SquadQuestion(q.get("id").asText(), answers));
        }
        return out;
    }

    private static Map<String, String> predictions(JsonNode c) {
        Map<String, String> out = new LinkedHashMap<>();
        c.get("predictions").properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }
}
