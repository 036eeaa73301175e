package dev.lathe.eval.metrics.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of classification/sklearn.json (written by tools/reference/classification.py with
 * Debian's scikit-learn 1.2.1): scores to 1e-9, counts, supports, confusion matrices, warning texts
 * and the printed report exactly.
 */
class SklearnGoldenTest {
    private static final double TOL = 1e-9;

    static Stream<Arguments> cases() throws IOException {
        JsonNode root;
        try (InputStream in = SklearnGoldenTest.class.getResourceAsStream("/classification/sklearn.json")) {
            root = new ObjectMapper().readTree(in);
        }
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : root.get("cases")) {
            for (var zd : c.get("expected").get("by_zero_division").properties()) {
                out.add(Arguments.of(c.get("name").asText() + " / zero_division=" + zd.getKey(), c, zd.getKey(),
                        zd.getValue()));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesScikitLearn(String name, JsonNode c, String zdName, JsonNode expected) {
        List<String> yTrue = strings(c.get("y_true"));
        List<String> yPred = strings(c.get("y_pred"));
        List<String> labels = c.get("labels").isNull() ? null : strings(c.get("labels"));
        PrfOptions options = new PrfOptions(labels, c.get("beta").asDouble(), ZeroDivision.parse(zdName),
                c.get("pos_label").asText());
        JsonNode all = c.get("expected");

        assertThat(ClassificationMetrics.accuracy(yTrue, yPred)).isCloseTo(all.get("accuracy").asDouble(), within(TOL));
        JsonNode cm = all.get("confusion_matrix");
        if (cm.has("error")) {
            assertThatThrownBy(() -> ClassificationMetrics.confusionMatrix(yTrue, yPred, labels))
                    .isInstanceOf(IllegalArgumentException.class);
        } else {
            ConfusionMatrix m = ClassificationMetrics.confusionMatrix(yTrue, yPred, labels);
            assertThat(m.labels()).isEqualTo(strings(cm.get("labels")));
            for (int i = 0; i < m.labels().size(); i++) {
                for (int j = 0; j < m.labels().size(); j++) {
                    assertThat(m.counts()[i][j]).as("cm[%d][%d]", i, j).isEqualTo(cm.get("matrix").get(i).get(j).asLong());
                }
            }
        }

        for (var entry : expected.properties()) {
            String key = entry.getKey();
            JsonNode want = entry.getValue();
            if (key.equals("report")) {
                checkReport(ClassificationReport.of(yTrue, yPred, labels, options.zeroDivision()), want);
                continue;
            }
            if (key.equals("report_text")) {
                assertThat(ClassificationReport.of(yTrue, yPred, labels, options.zeroDivision()).toText(4))
                        .isEqualTo(want.asText());
                continue;
            }
            Average average = Average.parse(key);
            if (want.has("error")) {
                assertThatThrownBy(() -> ClassificationMetrics.precisionRecallFscore(yTrue, yPred, average, options))
                        .as(key).isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            PrfResult got = ClassificationMetrics.precisionRecallFscore(yTrue, yPred, average, options);
            assertThat(got.warnings()).as(key + " warnings").containsExactlyInAnyOrderElementsOf(strings(want.get("warnings")));
            if (average == Average.NONE) {
                assertThat(got.classes()).hasSize(want.get("support").size());
                for (int i = 0; i < got.classes().size(); i++) {
                    ClassScores s = got.classes().get(i);
                    assertThat(s.precision()).as("precision[%d]", i).isCloseTo(want.get("precision").get(i).asDouble(), within(TOL));
                    assertThat(s.recall()).as("recall[%d]", i).isCloseTo(want.get("recall").get(i).asDouble(), within(TOL));
                    assertThat(s.fScore()).as("fscore[%d]", i).isCloseTo(want.get("fscore").get(i).asDouble(), within(TOL));
                    assertThat(s.support()).as("support[%d]", i).isEqualTo(want.get("support").get(i).asLong());
                }
            } else {
                assertThat(got.precision()).as(key + " precision").isCloseTo(want.get("precision").asDouble(), within(TOL));
                assertThat(got.recall()).as(key + " recall").isCloseTo(want.get("recall").asDouble(), within(TOL));
                assertThat(got.fScore()).as(key + " fscore").isCloseTo(want.get("fscore").asDouble(), within(TOL));
            }
        }
    }

    private static void checkReport(ClassificationReport report, JsonNode want) {
        Map<String, Object> got = report.toMap();
        List<String> wantKeys = new ArrayList<>();
        want.fieldNames().forEachRemaining(wantKeys::add);
        assertThat(new ArrayList<>(got.keySet())).isEqualTo(wantKeys);
        for (String k : wantKeys) {
            JsonNode w = want.get(k);
            if (w.isNumber()) {
                assertThat((Double) got.get(k)).as(k).isCloseTo(w.asDouble(), within(TOL));
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> g = (Map<String, Object>) got.get(k);
            for (String f : List.of("precision", "recall", "f1-score")) {
                assertThat((Double) g.get(f)).as(k + " " + f).isCloseTo(w.get(f).asDouble(), within(TOL));
            }
            assertThat((Long) g.get("support")).as(k + " support").isEqualTo(w.get("support").asLong());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
