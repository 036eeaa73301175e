package dev.lathe.eval.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BootstrapTest {
    static final double[] SCORES = {0.1, 0.5, 0.9, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6, 1.0};

    @Test
    void aSystemComparedWithItselfHasPValueOne() {
        CorpusStatistic a = CorpusStatistic.mean(SCORES, 100);
        Bootstrap.Paired p = Bootstrap.paired(a, CorpusStatistic.mean(SCORES, 100), 500, 0.95, 7);
        assertThat(p.delta()).isZero();
        assertThat(p.pValue()).isEqualTo(1.0);
        assertThat(p.baseline()).isEqualTo(p.system());
    }

    @Test
    void aClearlyBetterSystemHasASmallPValue() {
        double[] better = new double[SCORES.length];
        for (int i = 0; i < better.length; i++) {
            better[i] = SCORES[i] + 0.5;
        }
        Bootstrap.Paired p = Bootstrap.paired(CorpusStatistic.mean(SCORES, 1), CorpusStatistic.mean(better, 1), 1000,
                0.95, 7);
        assertThat(p.delta()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
        // Every resample shows exactly +0.5: centred differences are 0, never as large as 0.5.
        assertThat(p.pValue()).isEqualTo(1.0 / 1001);
    }

    @Test
    void intervalsAreSeededPercentilesAroundTheScore() {
        CorpusStatistic a = CorpusStatistic.mean(SCORES, 100);
        Bootstrap.Interval x = Bootstrap.interval(a, 1000, 0.95, 12345);
        Bootstrap.Interval y = Bootstrap.interval(a, 1000, 0.95, 12345);
        assertThat(x).isEqualTo(y);
        assertThat(x.score()).isCloseTo(55.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(x.low()).isLessThan(x.score()).isGreaterThan(30);
        assertThat(x.high()).isGreaterThan(x.score()).isLessThan(80);
        assertThat(Bootstrap.interval(a, 1000, 0.95, 1)).isNotEqualTo(x);
    }

    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertThat(Bootstrap.percentile(sorted, 0.5)).isEqualTo(2.5);
        assertThat(Bootstrap.percentile(sorted, 0.025)).isCloseTo(1.075, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Bootstrap.percentile(sorted, 1)).isEqualTo(4);
    }

    @Test
    void ratioStatisticsPoolNumeratorsAndDenominators() {
        CorpusStatistic ppl = CorpusStatistic.ratio(new double[] {2, 6}, new double[] {1, 3}, (n, d) -> Math.exp(n / d));
        assertThat(ppl.score()).isCloseTo(Math.exp(2), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ppl.exampleScore(1)).isCloseTo(Math.exp(2), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ppl.score(new int[] {0, 0, 1})).isCloseTo(Math.exp(10.0 / 5), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void badSettingsAreRejectedByName() {
        CorpusStatistic a = CorpusStatistic.mean(SCORES, 1);
        assertThatThrownBy(() -> Bootstrap.interval(a, 0, 0.95, 1)).hasMessageContaining("samples");
        assertThatThrownBy(() -> Bootstrap.interval(a, 10, 1.5, 1)).hasMessageContaining("confidence");
        assertThatThrownBy(() -> Bootstrap.paired(a, CorpusStatistic.mean(new double[] {1}, 1), 10, 0.95, 1))
                .hasMessageContaining("same examples");
    }
}
