package dev.lathe.serve.assistant;

/** Why a message went to a person; a message may have several reasons. */
public enum EscalationReason {
    /** The classifier's confidence is below the policy's threshold. */
    LOW_CONFIDENCE,
    /** The predicted intent is one the policy routes to a person. */
    NEEDS_PERSON,
    /** The message contains personal data (see {@link dev.lathe.tune.data.clean.pii.PiiRegistry}). */
    PERSONAL_DATA
}
