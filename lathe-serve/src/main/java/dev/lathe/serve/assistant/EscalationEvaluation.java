package dev.lathe.serve.assistant;

import java.util.List;
import java.util.Set;

/**
 * How an {@link EscalationPolicy} behaves on labelled messages: how often it escalates, and its precision
 * and recall against the intents that need a person (an escalation is "right" when the message's true
 * intent is one of them). Low-confidence escalations of ordinary intents count against precision: the
 * figure shows what a support team would see in its queue.
 *
 * @param messages         messages evaluated
 * @param escalated        messages escalated
 * @param personMessages   messages whose true intent needs a person
 * @param escalatedPerson  escalated messages whose true intent needs a person
 * @param byLowConfidence  escalations with the LOW_CONFIDENCE reason
 * @param byIntent         escalations with the NEEDS_PERSON reason
 * @param byPersonalData   escalations with the PERSONAL_DATA reason
 */
public record EscalationEvaluation(int messages, int escalated, int personMessages, int escalatedPerson,
        int byLowConfidence, int byIntent, int byPersonalData) {

    /** One labelled message and the policy's decision for it. */
    public record Labelled(String trueIntent, Decision decision) {}

    public static EscalationEvaluation of(List<Labelled> labelled, Set<String> personIntents) {
        int escalated = 0;
        int person = 0;
        int escalatedPerson = 0;
        int low = 0;
        int intent = 0;
        int pii = 0;
        for (Labelled l : labelled) {
            boolean needsPerson = personIntents.contains(l.trueIntent());
            person += needsPerson ? 1 : 0;
            if (l.decision() instanceof Decision.Escalate e) {
                escalated++;
                escalatedPerson += needsPerson ? 1 : 0;
                low += e.reasons().contains(EscalationReason.LOW_CONFIDENCE) ? 1 : 0;
                intent += e.reasons().contains(EscalationReason.NEEDS_PERSON) ? 1 : 0;
                pii += e.reasons().contains(EscalationReason.PERSONAL_DATA) ? 1 : 0;
            }
        }
        return new EscalationEvaluation(labelled.size(), escalated, person, escalatedPerson, low, intent, pii);
    }

    /** Fraction of messages escalated. */
    public double escalationRate() {
        return messages == 0 ? Double.NaN : (double) escalated / messages;
    }

    /** Fraction of escalations whose true intent needs a person (NaN when nothing was escalated). */
    public double precision() {
        return escalated == 0 ? Double.NaN : (double) escalatedPerson / escalated;
    }

    /** Fraction of person-needing messages that were escalated (NaN when there are none). */
    public double recall() {
        return personMessages == 0 ? Double.NaN : (double) escalatedPerson / personMessages;
    }
}
