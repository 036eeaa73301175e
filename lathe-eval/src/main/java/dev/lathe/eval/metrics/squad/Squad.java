package dev.lathe.eval.metrics.squad;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQuAD v1.1 exact match and token F1, as the official evaluate-v1.1.py (and Hugging Face's
 * {@code squad} metric, which wraps it). F1 counts shared tokens with multiplicity (a multiset
 * intersection) between the normalized prediction and gold answer; a question takes its best
 * score over its gold answers; the corpus figures are 100 × mean over all questions.
 *
 * <p>v1.1 has no special case for empty answers: with no shared tokens F1 is 0, so an empty
 * prediction against an empty gold answer has F1 0 but exact match 1. {@link SquadV2} gives 1 there.
 */
public final class Squad {
    private Squad() {}

    /** True when the normalized strings are equal ({@code exact_match_score}). */
    public static boolean exactMatch(String prediction, String gold) {
        return SquadText.normalize(prediction).equals(SquadText.normalize(gold));
    }

    /** Token F1 in [0, 1] ({@code f1_score}). */
    public static double f1(String prediction, String gold) {
        return tokenF1(SquadText.tokens(prediction), SquadText.tokens(gold));
    }

    static double tokenF1(List<String> pred, List<String> gold) {
        int same = overlap(pred, gold);
        if (same == 0) return 0.0;
        double precision = 1.0 * same / pred.size();
        double recall = 1.0 * same / gold.size();
        return (2 * precision * recall) / (precision + recall);
    }

    /** Size of the multiset intersection (Counter(a) & Counter(b)). */
    static int overlap(List<String> a, List<String> b) {
        Map<String, Integer> counts = new HashMap<>();
        for (String t : b) counts.merge(t, 1, Integer::sum);
        int same = 0;
        for (String t : a) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                same++;
                counts.put(t, c - 1);
            }
        }
        return same;
    }

    /** Best exact match (0 or 1) over the gold answers ({@code metric_max_over_ground_truths}). */
    public static double maxExactMatch(String prediction, List<String> golds) {
        checkGolds(golds);
        double best = 0;
        for (String g : golds) best = Math.max(best, exactMatch(prediction, g) ? 1 : 0);
        return best;
    }

    /** Best F1 over the gold answers. */
    public static double maxF1(String prediction, List<String> golds) {
        checkGolds(golds);
        double best = 0;
        for (String g : golds) best = Math.max(best, f1(prediction, g));
        return best;
    }

    /**
     * Corpus scores as evaluate-v1.1.py: every question counts; one without a prediction scores 0
     * and is listed in {@link SquadResult#unanswered()}. Predictions for unknown ids are ignored.
     */
    public static SquadResult evaluate(List<SquadQuestion> questions, Map<String, String> predictions) {
        if (questions == null || questions.isEmpty()) {
            throw new IllegalArgumentException("questions: got none, expected at least one");
        }
        if (predictions == null) throw new IllegalArgumentException("predictions: got null");
        double exact = 0;
        double f1 = 0;
        List<String> unanswered = new ArrayList<>();
        List<SquadResult.QuestionScore> per = new ArrayList<>(questions.size());
        for (SquadQuestion q : questions) {
            String pred = predictions.get(q.id());
            if (pred == null) {
                unanswered.add(q.id());
                per.add(new SquadResult.QuestionScore(q.id(), 0, 0));
                continue;
            }
            if (q.answers().isEmpty()) {
                throw new IllegalArgumentException("answers: question " + q.id()
                        + " has no gold answer (v1.1 needs one; use SquadV2 for unanswerable questions)");
            }
            double e = maxExactMatch(pred, q.answers());
            double f = maxF1(pred, q.answers());
            exact += e;
            f1 += f;
            per.add(new SquadResult.QuestionScore(q.id(), e, f));
        }
        int total = questions.size();
        return new SquadResult(100.0 * exact / total, 100.0 * f1 / total, total, unanswered, per);
    }

    private static void checkGolds(List<String> golds) {
        if (golds == null || golds.isEmpty()) {
            throw new IllegalArgumentException("golds: got none, expected at least one gold answer");
        }
    }
}
