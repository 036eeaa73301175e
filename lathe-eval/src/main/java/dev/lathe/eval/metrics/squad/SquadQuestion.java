package dev.lathe.eval.metrics.squad;

import java.util.List;

/** One question of a SQuAD set: its id and gold answer texts (empty = unanswerable, v2.0 only). */
public record SquadQuestion(String id, List<String> answers) {
    public SquadQuestion {
        if (id == null) throw new IllegalArgumentException("id: got null");
        if (answers == null) throw new IllegalArgumentException("answers: got null for question " + id);
        answers = List.copyOf(answers);
    }
}
