package dev.lathe.serve.assistant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EscalationPolicyTest {
    private final EscalationPolicy policy = new EscalationPolicy(0.6, Set.of("complaint", "contact_human_agent"), true);

    @Test
    void aConfidentOrdinaryMessageIsAnswered() {
        Decision d = policy.decide("I want to track my order {{Order Number}}", "track_order", 0.93);
        assertThat(d).isInstanceOf(Decision.Answer.class);
        assertThat(d.redactedMessage()).isEqualTo("I want to track my order {{Order Number}}");
    }

    @Test
    void anUnsureClassifierEscalates() {
        Decision d = policy.decide("hm, the thing with the stuff", "track_order", 0.41);
        assertThat(d).isInstanceOfSatisfying(Decision.Escalate.class,
                e -> assertThat(e.reasons()).containsExactly(EscalationReason.LOW_CONFIDENCE));
    }

    @Test
    void intentsThatNeedAPersonEscalateHoweverConfident() {
        Decision d = policy.decide("let me speak to a human", "contact_human_agent", 0.99);
        assertThat(d).isInstanceOfSatisfying(Decision.Escalate.class,
                e -> assertThat(e.reasons()).containsExactly(EscalationReason.NEEDS_PERSON));
    }

    @Test
    void aCardNumberEscalatesAndNeverAppearsInTheDecision() {
        Decision d = policy.decide("my card 4111 1111 1111 1111 was charged twice", "payment_issue", 0.95);
        assertThat(d).isInstanceOfSatisfying(Decision.Escalate.class, e -> {
            assertThat(e.reasons()).containsExactly(EscalationReason.PERSONAL_DATA);
            assertThat(e.personalData()).isNotEmpty();
        });
        assertThat(d.redactedMessage()).doesNotContain("4111").contains("{{CARD_NUMBER}}");
        Ticket t = Ticket.open((Decision.Escalate) d, List.of(), Instant.EPOCH);
        assertThat(t.id()).startsWith("esc_");
        assertThat(String.join("\n", t.conversation())).doesNotContain("4111");
    }

    @Test
    void personalDataIsRedactedEvenWhenThePolicyDoesNotEscalateOnIt() {
        EscalationPolicy lenient = new EscalationPolicy(0.5, Set.of(), false);
        Decision d = lenient.decide("write to jane.doe@example.com", "contact_customer_service", 0.9);
        assertThat(d).isInstanceOf(Decision.Answer.class);
        assertThat(d.redactedMessage()).doesNotContain("jane.doe");
    }

    @Test
    void severalReasonsAreAllReported() {
        Decision d = policy.decide("I want to complain, card 4111111111111111", "complaint", 0.2);
        assertThat(((Decision.Escalate) d).reasons()).containsExactly(EscalationReason.LOW_CONFIDENCE,
                EscalationReason.NEEDS_PERSON, EscalationReason.PERSONAL_DATA);
    }

    @Test
    void thresholdOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new EscalationPolicy(1.5, Set.of(), true))
                .hasMessageContaining("confidenceThreshold").hasMessageContaining("1.5");
    }

    @Test
    void evaluationCountsRateAndPrecisionAgainstPersonIntents() {
        List<EscalationEvaluation.Labelled> labelled = List.of(
                new EscalationEvaluation.Labelled("complaint", policy.decide("bad service", "complaint", 0.9)),
                new EscalationEvaluation.Labelled("track_order", policy.decide("where is it", "track_order", 0.3)),
                new EscalationEvaluation.Labelled("track_order", policy.decide("where is my order", "track_order", 0.9)),
                new EscalationEvaluation.Labelled("contact_human_agent", policy.decide("human", "get_refund", 0.9)));
        EscalationEvaluation e = EscalationEvaluation.of(labelled, policy.personIntents());
        assertThat(e.escalated()).isEqualTo(2);
        assertThat(e.escalationRate()).isEqualTo(0.5);
        assertThat(e.precision()).isEqualTo(0.5);
        assertThat(e.recall()).isEqualTo(0.5);
        assertThat(e.byLowConfidence()).isEqualTo(1);
        assertThat(e.byIntent()).isEqualTo(1);
    }
}
