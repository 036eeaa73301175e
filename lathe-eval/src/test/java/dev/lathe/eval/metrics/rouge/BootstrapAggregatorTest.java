package dev.lathe.eval.metrics.rouge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap aggregator: rouge-score's deterministic tests (scoring_test.py) and statistical
 * properties; its draws cannot equal numpy's, so no test pins a resampled number.
 */
class BootstrapAggregatorTest {

    private static BootstrapAggregator threeScores(double confidence) {
        BootstrapAggregator agg = new BootstrapAggregator(confidence, 1000, 123);
        agg.addScores(Map.of("rouge1", new RougeScore(1, 1 / 3.0, 1 / 2.0)));
        agg.addScores(Map.of("rouge1", new RougeScore(0, 0, 0)));
        agg.addScores(Map.of("rouge1", new RougeScore(1, 1, 1)));
        return agg;
    }

    private static void assertScore(RougeScore s, double p, double r, double f, double tol) {
        assertThat(s.precision()).as("precision").isCloseTo(p, within(tol));
        assertThat(s.recall()).as("recall").isCloseTo(r, within(tol));
        assertThat(s.fmeasure()).as("fmeasure").isCloseTo(f, within(tol));
    }

    @Test
    void consistent_percentiles_match_rouge_score_test() {
        // scoring_test.testConsistentPercentiles: 90% interval over three scores
        AggregateScore a = threeScores(0.9).aggregate().get("rouge1");
        assertScore(a.low(), 1 / 3.0, 1 / 9.0, 1 / 6.0, 1e-8);
        assertScore(a.mid(), 2 / 3.0, 4 / 9.0, 3 / 6.0, 1e-8);
        assertScore(a.high(), 1, 7 / 9.0, 5 / 6.0, 1e-8);
    }

    @Test
    void zero_confidence_collapses_the_interval_to_the_median_as_rouge_score_test() {
        // scoring_test.testLargeConfidence
        AggregateScore a = threeScores(0.0).aggregate().get("rouge1");
        for (RougeScore s : new RougeScore[] {a.low(), a.mid(), a.high()}) {
            assertScore(s, 2 / 3.0, 4 / 9.0, 3 / 6.0, 1e-8);
        }
    }

    @Test
    void identical_scores_collapse_the_interval_to_that_score() {
        BootstrapAggregator agg = new BootstrapAggregator();
        for (int i = 0; i < 50; i++) {
            agg.addScores(Map.of("rougeL", new RougeScore(0.3, 0.6, 0.4)));
        }
        AggregateScore a = agg.aggregate().get("rougeL");
        for (RougeScore s : new RougeScore[] {a.low(), a.mid(), a.high()}) {
            assertScore(s, 0.3, 0.6, 0.4, 1e-12);
        }
    }

    @Test
    void interval_brackets_the_mean_and_matches_the_normal_approximation() {
        SplittableRandom data = new SplittableRandom(7);
        BootstrapAggregator agg = new BootstrapAggregator();
        int n = 400;
        double sum = 0;
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double p = data.nextDouble();
            double r = p * data.nextDouble();
            agg.addScores(Map.of("rouge2", RougeScore.of(p, r)));
            sum += p;
            sumSq += p * p;
        }
        AggregateScore a = agg.aggregate().get("rouge2");
        double mean = sum / n;
        double se = Math.sqrt((sumSq / n - mean * mean) / n);
        assertThat(a.low().precision()).isLessThan(a.mid().precision());
        assertThat(a.mid().precision()).isLessThan(a.high().precision());
        assertThat(a.mid().precision()).isCloseTo(mean, within(0.25 * se));
        // a 95% interval is about +-1.96 standard errors wide
        double width = a.high().precision() - a.low().precision();
        assertThat(width / (2 * 1.96 * se)).isCloseTo(1.0, within(0.15));
        assertThat(a.low().recall()).isLessThan(a.high().recall());
        assertThat(a.low().fmeasure()).isLessThan(a.high().fmeasure());
    }

    @Test
    void same_seed_same_intervals_other_seed_close_intervals() {
        BootstrapAggregator a = new BootstrapAggregator(0.95, 500, 1);
        BootstrapAggregator b = new BootstrapAggregator(0.95, 500, 1);
        BootstrapAggregator c = new BootstrapAggregator(0.95, 500, 2);
        SplittableRandom data = new SplittableRandom(3);
        for (int i = 0; i < 100; i++) {
            Map<String, RougeScore> s = Map.of("rouge1", RougeScore.of(data.nextDouble(), data.nextDouble()));
            a.addScores(s);
            b.addScores(s);
            c.addScores(s);
        }
        assertThat(a.aggregate()).isEqualTo(b.aggregate()).isEqualTo(a.aggregate());
        assertThat(c.aggregate()).isNotEqualTo(a.aggregate());
        assertThat(c.aggregate().get("rouge1").mid().precision())
                .isCloseTo(a.aggregate().get("rouge1").mid().precision(), within(0.01));
    }

    @Test
    void types_are_reported_in_the_order_first_added() {
        BootstrapAggregator agg = new BootstrapAggregator();
        agg.addScores(RougeScorer.of("rougeLsum", "rouge1", "rougeL").score("a b c", "a c"));
        assertThat(agg.aggregate().keySet()).containsExactly("rougeLsum", "rouge1", "rougeL");
        assertThat(new BootstrapAggregator().aggregate()).isEmpty();
    }

    @Test
    void percentile_interpolates_linearly_as_numpy() {
        double[] v = {1, 2, 4, 8};
        assertThat(BootstrapAggregator.percentile(v, 0)).isEqualTo(1);
        assertThat(BootstrapAggregator.percentile(v, 100)).isEqualTo(8);
        assertThat(BootstrapAggregator.percentile(v, 50)).isEqualTo(3);   // index 1.5
        assertThat(BootstrapAggregator.percentile(v, 2.5)).isCloseTo(1.075, within(1e-15)); // index 0.075
        assertThat(BootstrapAggregator.percentile(new double[] {5}, 97.5)).isEqualTo(5);
    }

    @Test
    void bad_arguments_are_rejected_with_their_name() {
        assertThatThrownBy(() -> new BootstrapAggregator(1.5, 10, 0))
                .hasMessageContaining("confidenceInterval");
        assertThatThrownBy(() -> new BootstrapAggregator(-0.1, 10, 0))
                .hasMessageContaining("confidenceInterval");
        assertThatThrownBy(() -> new BootstrapAggregator(0.9, 0, 0)).hasMessageContaining("nSamples");
        assertThatThrownBy(() -> new BootstrapAggregator().addScores(null)).hasMessageContaining("scores");
    }
}
