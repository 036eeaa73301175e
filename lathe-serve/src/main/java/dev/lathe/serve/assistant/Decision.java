package dev.lathe.serve.assistant;

import java.util.List;
import java.util.Map;

/**
 * What the {@link EscalationPolicy} decided for one message: answer it with the generator, or escalate it
 * to a person with the reasons. Both carry the classifier's intent and confidence and the message with
 * personal data replaced by placeholders, which is the only form of the message that should be logged.
 */
public sealed interface Decision {
    String intent();

    double confidence();

    /** The message with personal data redacted (e.g. {@code {{CARD_NUMBER}}}). */
    String redactedMessage();

    /** The generator may answer. */
    record Answer(String intent, double confidence, String redactedMessage) implements Decision {}

    /**
     * A person must answer.
     *
     * @param reasons      at least one, in {@link EscalationReason} order
     * @param personalData counts of redacted personal data by kind (empty unless {@code PERSONAL_DATA})
     */
    record Escalate(String intent, double confidence, String redactedMessage, List<EscalationReason> reasons,
            Map<String, Integer> personalData) implements Decision {
        public Escalate {
            if (reasons == null || reasons.isEmpty()) {
                throw new IllegalArgumentException("an escalation needs at least one reason");
            }
            reasons = List.copyOf(reasons);
            personalData = Map.copyOf(personalData);
        }
    }
}
