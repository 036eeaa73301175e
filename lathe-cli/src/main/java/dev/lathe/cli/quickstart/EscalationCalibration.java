package dev.lathe.cli.quickstart;

import dev.lathe.serve.assistant.EscalationEvaluation;
import dev.lathe.serve.assistant.EscalationPolicy;
import dev.lathe.serve.assistant.ThresholdCalibration;
import dev.lathe.tune.classify.TextClassifier;
import dev.lathe.tune.data.AlpacaExample;
import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Step 5: the escalation policy. The confidence threshold is chosen on the validation split's predictions
 * (the lowest at which the messages answered automatically stay correct at the target accuracy); the
 * policy (that threshold, the intents that always need a person, personal data) is then measured on the
 * test split: how often it escalates, and its precision and recall against the person-needing intents.
 */
final class EscalationCalibration {
    /** The chosen policy, how it was chosen, and its test figures. */
    record Calibrated(EscalationPolicy policy, ThresholdCalibration.Result calibration, EscalationEvaluation test) {}

    private EscalationCalibration() {}

    static Calibrated run(List<AlpacaExample> validation, List<TextClassifier.Prediction> validationPredictions,
            List<AlpacaExample> test, List<TextClassifier.Prediction> testPredictions, Set<String> personIntents,
            Set<String> knownIntents, double targetAccuracy, StepConsole console) {
        for (String intent : personIntents) {
            if (!knownIntents.contains(intent)) {
                throw new IllegalArgumentException("--person-intents: '" + intent + "' is not an intent of the data"
                        + " (intents: " + String.join(", ", new java.util.TreeSet<>(knownIntents)) + ")");
            }
        }
        List<ThresholdCalibration.Scored> scored = new ArrayList<>();
        for (int i = 0; i < validation.size(); i++) {
            TextClassifier.Prediction p = validationPredictions.get(i);
            scored.add(new ThresholdCalibration.Scored(p.confidence(), p.label().equals(validation.get(i).label())));
        }
        ThresholdCalibration.Result calibration = ThresholdCalibration.choose(scored, targetAccuracy);
        EscalationPolicy policy = new EscalationPolicy(Math.min(1, calibration.threshold()), personIntents, true);
        PiiRedactor redactor = new PiiRedactor(PiiRegistry.withDefaults());
        List<EscalationEvaluation.Labelled> labelled = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            TextClassifier.Prediction p = testPredictions.get(i);
            labelled.add(new EscalationEvaluation.Labelled(test.get(i).label(),
                    policy.decide(test.get(i).instruction(), p.label(), p.confidence(), redactor)));
        }
        EscalationEvaluation evaluation = EscalationEvaluation.of(labelled, personIntents);
        console.summary("Escalation: confidence threshold %.3f, chosen on the %d validation messages so that the"
                        + " answered ones are %.0f%% correct (it answers %.1f%% of them, %.1f%% correct); person intents %s;"
                        + " messages with personal data always escalate. On the %d test messages it escalates %.1f%% (%d:"
                        + " %d for low confidence, %d for the intent, %d for personal data), precision %.3f and recall %.3f"
                        + " against the person intents (%d test messages).",
                policy.confidenceThreshold(), validation.size(), 100 * targetAccuracy, 100 * calibration.coverage(),
                100 * calibration.answeredAccuracy(), new java.util.TreeSet<>(personIntents), evaluation.messages(),
                100 * evaluation.escalationRate(), evaluation.escalated(), evaluation.byLowConfidence(),
                evaluation.byIntent(), evaluation.byPersonalData(), evaluation.precision(), evaluation.recall(),
                evaluation.personMessages());
        return new Calibrated(policy, calibration, evaluation);
    }
}
