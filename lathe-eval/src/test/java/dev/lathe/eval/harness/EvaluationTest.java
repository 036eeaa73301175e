package dev.lathe.eval.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lathe.eval.report.EvalReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
    static final List<EvalExample> EXAMPLES = List.of(new EvalExample(0, "a", List.of("x")),
            new EvalExample(1, "b", List.of("y")), new EvalExample(2, "c", List.of("z")));

    static MetricScore score(double... perExample) {
        CorpusStatistic s = CorpusStatistic.mean(perExample, 1);
        return new MetricScore("m", s.score(), "m", Map.of(), s, true);
    }

    @Test
    void theExamplesThatChangedMostComeFirstThenInOrder() {
        List<EvalReport.ExampleRow> rows = Evaluation.examples(EXAMPLES, List.of(List.of("1", "2", "3"),
                List.of("4", "5", "6")), List.of(score(0.5, 0.1, 0.9), score(0.5, 0.8, 0.2)), 2);
        assertThat(rows).extracting(EvalReport.ExampleRow::index).containsExactly(1, 2);
        assertThat(rows.getFirst().outputs()).containsExactly("2", "5");
        assertThat(rows.getFirst().scores()).containsExactly(0.1, 0.8);
        List<EvalReport.ExampleRow> single = Evaluation.examples(EXAMPLES, List.of(List.of("1", "2", "3")),
                List.of(score(0.5, 0.1, 0.9)), 10);
        assertThat(single).extracting(EvalReport.ExampleRow::index).containsExactly(0, 1, 2);
    }

    @Test
    void squadScoresTheBestGoldAnswerInPercent() {
        List<MetricScore> s = new SquadMetric().score(List.of("the cat", "1990"),
                List.of(List.of("cat sat", "1990"), List.of("The Cat", "1989")));
        assertThat(s).extracting(MetricScore::name).containsExactly("exact_match", "f1");
        assertThat(s.get(0).value()).isEqualTo(100.0);
        assertThat(s.get(0).line()).isEqualTo("{\"exact_match\": 100.0, \"f1\": 100.0}");
    }

    @Test
    void metricsComparedWithThemselvesGiveZeroDeltaAndPValueOne() {
        List<MetricScore> a = BleuMetric.defaults().score(List.of("the cat sat", "a dog ran off"),
                List.of(List.of("the cat sat down", "the dog ran off")));
        List<MetricScore> b = BleuMetric.defaults().score(List.of("the cat sat", "a dog ran off"),
                List.of(List.of("the cat sat down", "the dog ran off")));
        var cmp = Evaluation.compare(a, b, new Evaluation.BootstrapSettings(200, 0.95, 3));
        assertThat(cmp.getFirst().delta()).isZero();
        assertThat(cmp.getFirst().pValue()).isEqualTo(1.0);
        assertThat(Evaluation.entries(a, new Evaluation.BootstrapSettings(0, 0.95, 3)).getFirst().interval()).isNull();
    }
}
