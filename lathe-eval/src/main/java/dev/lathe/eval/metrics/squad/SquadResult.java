package dev.lathe.eval.metrics.squad;

import java.util.List;

/**
 * What the SQuAD v1.1 script reports: {@code exactMatch} and {@code f1} as percentages over all
 * {@code total} questions (an unanswered question scores 0), plus the ids left unanswered and the
 * per-question scores (exact 0/1 and F1 in [0, 1], in question order, unanswered ones as 0).
 */
public record SquadResult(double exactMatch, double f1, int total, List<String> unanswered,
                          List<QuestionScore> perQuestion) {
    public SquadResult {
        unanswered = List.copyOf(unanswered);
        perQuestion = List.copyOf(perQuestion);
    }

    /** One question's best exact match and F1 over its gold answers. */
    public record QuestionScore(String id, double exact, double f1) {}
}
