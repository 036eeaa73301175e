package dev.lathe.serve.assistant;

import java.util.Comparator;
import java.util.List;

/**
 * Chooses the escalation policy's confidence threshold on held-out predictions (selective
 * classification): the lowest threshold, i.e. the most messages answered automatically, at which the
 * predictions kept (confidence at or above it) are still correct at least {@code targetAccuracy} of the
 * time. Choosing it on the validation split, not the test split, keeps the test figures honest.
 */
public final class ThresholdCalibration {

    /** One held-out prediction: the classifier's confidence and whether its intent was right. */
    public record Scored(double confidence, boolean correct) {}

    /**
     * The chosen threshold and what it does on the data it was chosen on.
     *
     * @param threshold        escalate below this confidence
     * @param coverage         fraction of messages answered automatically (confidence >= threshold)
     * @param answeredAccuracy accuracy over those messages (NaN when none is answered)
     * @param targetAccuracy   the accuracy asked for
     */
    public record Result(double threshold, double coverage, double answeredAccuracy, double targetAccuracy) {}

    private ThresholdCalibration() {}

    public static Result choose(List<Scored> predictions, double targetAccuracy) {
        if (predictions.isEmpty()) {
            throw new IllegalArgumentException("no predictions to calibrate the threshold on");
        }
        if (!(targetAccuracy > 0 && targetAccuracy <= 1)) {
            throw new IllegalArgumentException("targetAccuracy must be in (0, 1], got " + targetAccuracy);
        }
        List<Scored> sorted = predictions.stream()
                .sorted(Comparator.comparingDouble(Scored::confidence).reversed()).toList();
        int n = sorted.size();
        int correct = 0;
        int bestKept = 0;
        int bestCorrect = 0;
        for (int i = 0; i < n; i++) {
            correct += sorted.get(i).correct() ? 1 : 0;
            // A threshold can only split between distinct confidences: wait for the last of a tie.
            boolean tieEnds = i + 1 == n || sorted.get(i + 1).confidence() < sorted.get(i).confidence();
            if (tieEnds && correct >= targetAccuracy * (i + 1)) {
                bestKept = i + 1;
                bestCorrect = correct;
            }
        }
        if (bestKept == 0) {
            // Even the most confident predictions miss the target: escalate everything.
            return new Result(Math.nextUp(sorted.get(0).confidence()), 0, Double.NaN, targetAccuracy);
        }
        return new Result(sorted.get(bestKept - 1).confidence(), (double) bestKept / n,
                (double) bestCorrect / bestKept, targetAccuracy);
    }
}
