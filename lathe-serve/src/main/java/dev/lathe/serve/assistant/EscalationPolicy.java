package dev.lathe.serve.assistant;

import dev.lathe.tune.data.clean.pii.PiiRedactor;
import dev.lathe.tune.data.clean.pii.PiiRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a customer message is answered by the generator or escalated to a person: below the
 * confidence threshold, for an intent in {@code personIntents}, or when personal data is detected (if
 * {@code escalateOnPersonalData}). The message is always redacted first, so the decision never carries
 * the raw personal data.
 *
 * @param confidenceThreshold    escalate when the classifier's top probability is below this, in [0, 1]
 * @param personIntents          intents that always need a person (e.g. {@code complaint})
 * @param escalateOnPersonalData escalate messages with personal data
 */
public record EscalationPolicy(double confidenceThreshold, Set<String> personIntents, boolean escalateOnPersonalData) {

    public EscalationPolicy {
        if (!(confidenceThreshold >= 0 && confidenceThreshold <= 1)) {
            throw new IllegalArgumentException("confidenceThreshold must be in [0, 1], got " + confidenceThreshold);
        }
        personIntents = Set.copyOf(personIntents);
    }

    /** Decides for {@code message}, classified as {@code intent} with probability {@code confidence}. */
    public Decision decide(String message, String intent, double confidence, PiiRedactor redactor) {
        PiiRedactor.Redaction redaction = redactor.redact(message);
        List<EscalationReason> reasons = new ArrayList<>(3);
        if (confidence < confidenceThreshold) {
            reasons.add(EscalationReason.LOW_CONFIDENCE);
        }
        if (personIntents.contains(intent)) {
            reasons.add(EscalationReason.NEEDS_PERSON);
        }
        boolean personal = redaction.counts().values().stream().anyMatch(n -> n > 0);
        if (escalateOnPersonalData && personal) {
            reasons.add(EscalationReason.PERSONAL_DATA);
        }
        return reasons.isEmpty() ? new Decision.Answer(intent, confidence, redaction.text())
                : new Decision.Escalate(intent, confidence, redaction.text(), reasons,
                        personal ? redaction.counts() : java.util.Map.of());
    }

    /** {@link #decide(String, String, double, PiiRedactor)} with the built-in personal-data detectors. */
    public Decision decide(String message, String intent, double confidence) {
        return decide(message, intent, confidence, new PiiRedactor(PiiRegistry.withDefaults()));
    }
}
