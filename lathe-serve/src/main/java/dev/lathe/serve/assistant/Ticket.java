package dev.lathe.serve.assistant;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A hand-over to a person: the conversation (personal data already redacted), the intent the classifier
 * saw with its confidence, and why the message was escalated.
 *
 * @param id           {@code esc_} and a random id, quoted to the customer and in the response
 * @param created      when it was opened
 * @param conversation the redacted messages, oldest first, as "role: text"
 */
public record Ticket(String id, Instant created, List<String> conversation, String intent, double confidence,
        List<EscalationReason> reasons, Map<String, Integer> personalData) {

    public Ticket {
        conversation = List.copyOf(conversation);
        reasons = List.copyOf(reasons);
        personalData = Map.copyOf(personalData);
    }

    /** Opens a ticket for an escalation, with the earlier (already redacted) turns of the conversation. */
    public static Ticket open(Decision.Escalate escalation, List<String> earlierTurns, Instant now) {
        List<String> turns = new java.util.ArrayList<>(earlierTurns);
        turns.add("user: " + escalation.redactedMessage());
        return new Ticket("esc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24), now, turns,
                escalation.intent(), escalation.confidence(), escalation.reasons(), escalation.personalData());
    }
}
