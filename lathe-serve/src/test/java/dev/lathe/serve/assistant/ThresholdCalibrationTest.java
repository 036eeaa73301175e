package dev.lathe.serve.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lathe.serve.assistant.ThresholdCalibration.Scored;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class ThresholdCalibrationTest {

    @Test
    void picksTheLowestThresholdThatKeepsTheTargetAccuracy() {
        List<Scored> s = List.of(new Scored(0.99, true), new Scored(0.95, true), new Scored(0.90, true),
                new Scored(0.80, false), new Scored(0.70, true), new Scored(0.40, false));
        // Kept at 0.70: 4 of 5 right = 0.8; at 0.40: 4 of 6 < 0.8.
        ThresholdCalibration.Result r = ThresholdCalibration.choose(s, 0.8);
        assertThat(r.threshold()).isEqualTo(0.70);
        assertThat(r.coverage()).isEqualTo(5 / 6.0);
        assertThat(r.answeredAccuracy()).isEqualTo(0.8);
    }

    @Test
    void tiedConfidencesAreKeptOrEscalatedTogether() {
        List<Scored> s = List.of(new Scored(0.9, true), new Scored(0.5, true), new Scored(0.5, false));
        ThresholdCalibration.Result r = ThresholdCalibration.choose(s, 0.9);
        assertThat(r.threshold()).isEqualTo(0.9);
        assertThat(r.coverage()).isEqualTo(1 / 3.0);
    }

    @Test
    void whenNothingReachesTheTargetEverythingIsEscalated() {
        ThresholdCalibration.Result r = ThresholdCalibration.choose(List.of(new Scored(0.9, false)), 0.5);
        assertThat(r.threshold()).isGreaterThan(0.9);
        assertThat(r.coverage()).isZero();
    }

    @Test
    void emptyInputOrBadTargetIsRefused() {
        assertThatThrownBy(() -> ThresholdCalibration.choose(List.of(), 0.9)).hasMessageContaining("no predictions");
        assertThatThrownBy(() -> ThresholdCalibration.choose(List.of(new Scored(0.5, true)), 0))
                .hasMessageContaining("targetAccuracy");
    }

    @Property(tries = 200)
    void theAnsweredAccuracyAtTheChosenThresholdMeetsTheTarget(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = 0, max = 1) Double> confidences,
            @ForAll @Size(min = 40, max = 40) List<Boolean> correct, @ForAll @DoubleRange(min = 0.05, max = 1) double target) {
        List<Scored> s = new ArrayList<>();
        for (int i = 0; i < confidences.size(); i++) {
            s.add(new Scored(confidences.get(i), correct.get(i)));
        }
        ThresholdCalibration.Result r = ThresholdCalibration.choose(s, target);
        List<Scored> kept = s.stream().filter(x -> x.confidence() >= r.threshold()).toList();
        assertThat(kept.size()).isEqualTo((int) Math.round(r.coverage() * s.size()));
        if (!kept.isEmpty()) {
            assertThat(kept.stream().filter(Scored::correct).count()).isGreaterThanOrEqualTo(
                    (long) Math.ceil(target * kept.size() - 1e-9));
            // No lower threshold (keeping more) would also meet the target.
            s.stream().map(Scored::confidence).filter(c -> c < r.threshold()).distinct().forEach(c -> {
                List<Scored> more = s.stream().filter(x -> x.confidence() >= c).toList();
                assertThat(more.stream().filter(Scored::correct).count()).isLessThan(
                        (long) Math.ceil(target * more.size() - 1e-9));
            });
        }
    }
}
