package dev.lathe.eval.metrics.classification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-derived cases for what Debian's sklearn 1.2.1 cannot produce (zero_division=NaN, the >= 1.3
 * weighted average with zero total support, beta = 0 / infinity), the label order rule, and the
 * argument errors.
 */
class ClassificationMetricsTest {
    private static final double TOL = 1e-12;

    // a: tp 2, predicted 2, support 3; b: tp 1, predicted 3, support 1; c: tp 0, predicted 0, support 1
    private static final List<String> Y_TRUE = List.of("a", "a", "a", "b", "c");
    private static final List<String> Y_PRED = List.of("a", "a", "b", "b", "b");

    @Test
    void nanZeroDivisionMarksIllDefinedClassesAndMacroSkipsThem() {
        PrfOptions nan = PrfOptions.defaults().withZeroDivision(ZeroDivision.NAN);
        PrfResult none = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.NONE, nan);
        assertThat(none.classes().get(2).precision()).isNaN(); // c never predicted
        assertThat(none.classes().get(2).recall()).isEqualTo(0.0); // 0 / 1
        assertThat(none.classes().get(2).fScore()).isEqualTo(0.0); // 2*0 / (1 + 0): F is defined
        assertThat(none.warnings()).isEmpty();

        PrfResult macro = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MACRO, nan);
        assertThat(macro.precision()).isCloseTo((1.0 + 1.0 / 3) / 2, within(TOL)); // NaN skipped
        assertThat(macro.recall()).isCloseTo((2.0 / 3 + 1.0 + 0.0) / 3, within(TOL));
        // F: a 4/5, b 2/4, c 0
        assertThat(macro.fScore()).isCloseTo((0.8 + 0.5 + 0.0) / 3, within(TOL));

        PrfResult weighted = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.WEIGHTED, nan);
        assertThat(weighted.precision()).isCloseTo((1.0 * 3 + (1.0 / 3) * 1) / 4, within(TOL)); // c's weight dropped
    }

    @Test
    void nanZeroDivisionGivesNanWhenEveryClassIsIllDefined() {
        PrfOptions nan = new PrfOptions(List.of("x", "y"), 1, ZeroDivision.NAN, "1");
        PrfResult macro = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MACRO, nan);
        assertThat(macro.precision()).isNaN();
        assertThat(macro.recall()).isNaN();
        assertThat(macro.fScore()).isNaN();
        PrfResult micro = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MICRO, nan);
        assertThat(micro.precision()).isNaN();
        assertThat(micro.support()).isZero();
    }

    @Test
    void weightedAverageWithZeroTotalSupportFallsBackToThePlainMean() {
        // labels b2 and z: neither is true anywhere; "b2" predicted once, "z" never.
        List<String> yt = List.of("a", "a");
        List<String> yp = List.of("b2", "a");
        PrfOptions one = new PrfOptions(List.of("b2", "z"), 1, ZeroDivision.ONE, "1");
        PrfResult w = ClassificationMetrics.precisionRecallFscore(yt, yp, Average.WEIGHTED, one);
        // per class: precision [0, 1], recall [1, 1], F [0, 1]; sklearn >= 1.3 averages them plainly
        assertThat(w.precision()).isEqualTo(0.5);
        assertThat(w.recall()).isEqualTo(1.0);
        assertThat(w.fScore()).isEqualTo(0.5);
    }

    @Test
    void betaInfinityIsRecallAndBetaZeroIsPrecision() {
        PrfResult inf = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.NONE,
                PrfOptions.defaults().withBeta(Double.POSITIVE_INFINITY));
        PrfResult zero = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.NONE,
                PrfOptions.defaults().withBeta(0));
        for (int i = 0; i < 3; i++) {
            assertThat(inf.classes().get(i).fScore()).isEqualTo(inf.classes().get(i).recall());
            assertThat(zero.classes().get(i).fScore()).isEqualTo(zero.classes().get(i).precision());
        }
    }

    @Test
    void perClassScoresCarryTheirCounts() {
        PrfResult r = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MICRO, PrfOptions.defaults());
        assertThat(r.classes()).extracting(ClassScores::label).containsExactly("a", "b", "c");
        assertThat(r.classes()).extracting(ClassScores::truePositives).containsExactly(2L, 1L, 0L);
        assertThat(r.classes()).extracting(ClassScores::predicted).containsExactly(2L, 3L, 0L);
        assertThat(r.classes()).extracting(ClassScores::support).containsExactly(3L, 1L, 1L);
        assertThat(r.precision()).isEqualTo(0.6); // micro over all labels = accuracy
        assertThat(ClassificationMetrics.accuracy(Y_TRUE, Y_PRED)).isEqualTo(0.6);
        assertThat(ClassificationMetrics.correct(Y_TRUE, Y_PRED)).isEqualTo(3);
        assertThat(ClassificationMetrics.f1(Y_TRUE, Y_PRED, Average.MICRO)).isCloseTo(0.6, within(TOL));
    }

    @Test
    void integerLabelsSortAsNumbersAndOthersByCodePoint() {
        assertThat(Labels.sorted(List.of("10", "2", "-3", "1"))).containsExactly("-3", "1", "2", "10");
        assertThat(Labels.sorted(List.of("1", "01", "2"))).containsExactly("01", "1", "2"); // tie by code point
        assertThat(Labels.sorted(List.of("10", "2", "b"))).containsExactly("10", "2", "b"); // one non-integer
        assertThat(Labels.sorted(List.of("2.5", "10"))).containsExactly("10", "2.5"); // decimals: text
        // U+FF5E sorts before U+1F600 by code point, after it by UTF-16 unit
        assertThat(Labels.sorted(List.of("\uD83D\uDE00", "\uFF5E"))).containsExactly("\uFF5E", "\uD83D\uDE00");
        assertThat(Labels.sorted(List.of("b", "a"), List.of("c", "a"))).containsExactly("a", "b", "c");
    }

    @Test
    void reportTextPadsUnicodeLabelsByCodePointAndRoundsHalfEven() {
        assertThat(ClassificationReport.fixed(0.125, 2)).isEqualTo("0.12");
        assertThat(ClassificationReport.fixed(0.375, 2)).isEqualTo("0.38");
        assertThat(ClassificationReport.fixed(1.005, 2)).isEqualTo("1.00"); // 1.00499999999999989...
        assertThat(ClassificationReport.fixed(Double.NaN, 2)).isEqualTo("nan");
        String text = ClassificationReport.of(List.of("\uD83D\uDE00", "a"), List.of("\uD83D\uDE00", "a")).toText(2);
        assertThat(text.lines().toList().get(3)).isEqualTo("           \uD83D\uDE00       1.00      1.00      1.00         1");
    }

    @Test
    void reportShowsMicroAvgWhenLabelsDifferFromTheData() {
        ClassificationReport r = ClassificationReport.of(Y_TRUE, Y_PRED, List.of("a", "b"), ZeroDivision.ZERO);
        assertThat(r.accuracy()).isEmpty();
        assertThat(r.microAvg()).isPresent();
        assertThat(r.microAvg().get().precision()).isCloseTo(3.0 / 5, within(TOL));
        assertThat(r.macroAvg().support()).isEqualTo(4);
        assertThat(ClassificationReport.of(Y_TRUE, Y_PRED).accuracy()).hasValue(0.6);
    }

    @Test
    void warningsFollowScikitLearnsWording() {
        PrfResult r = ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MACRO, PrfOptions.defaults());
        assertThat(r.warnings()).containsExactly("Precision and F-score are ill-defined and being set to 0.0 in labels"
                + " with no predicted samples. Use `zero_division` parameter to control this behavior.");
        assertThat(ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MACRO,
                PrfOptions.defaults().withZeroDivision(ZeroDivision.ZERO)).warnings()).isEmpty();
    }

    @Test
    void badArgumentsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(List.of("a"), List.of("a", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lengths differ");
        assertThatThrownBy(() -> ClassificationMetrics.accuracy(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yTrue");
        assertThatThrownBy(() -> ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.BINARY,
                PrfOptions.defaults())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BINARY");
        assertThatThrownBy(() -> ClassificationMetrics.precisionRecallFscore(List.of("x", "y"), List.of("x", "y"),
                Average.BINARY, PrfOptions.defaults())).hasMessageContaining("posLabel");
        assertThatThrownBy(() -> ClassificationMetrics.precisionRecallFscore(Y_TRUE, Y_PRED, Average.MACRO,
                PrfOptions.defaults().withLabels(List.of("a", "a")))).hasMessageContaining("labels");
        assertThatThrownBy(() -> ClassificationMetrics.confusionMatrix(Y_TRUE, Y_PRED, List.of("q")))
                .hasMessageContaining("at least one label");
        assertThatThrownBy(() -> PrfOptions.defaults().withBeta(-1)).hasMessageContaining("beta");
        assertThatThrownBy(() -> ZeroDivision.parse("2")).hasMessageContaining("zeroDivision");
        assertThatThrownBy(() -> Average.parse("samples")).hasMessageContaining("average");
    }
}
