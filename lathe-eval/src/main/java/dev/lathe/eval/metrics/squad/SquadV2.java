package dev.lathe.eval.metrics.squad;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQuAD v2.0 scoring as the official evaluate-v2.0.py (and Hugging Face's {@code squad_v2}
 * metric). Differences from v1.1: gold answers that normalize to nothing are dropped, and a
 * question left with none has the single gold answer ""; F1 is 1 when prediction and gold both
 * have no tokens and 0 when only one has none. A question whose no-answer probability exceeds the
 * threshold counts as answered "no answer" (score 1 when it has no gold answer, else 0). The
 * best-threshold search ({@code find_best_thresh}) is reported too.
 *
 * <p>Unlike the script, which skips (v2 overall) or fails on (HasAns/NoAns) a missing
 * prediction, every question must have one here.
 */
public final class SquadV2 {
    private SquadV2() {}

    /** Exact match / F1 / count over a subset of questions (HasAns or NoAns). */
    public record Subset(double exact, double f1, int total) {}

    /**
     * Everything the v2.0 script prints, percentages: overall, per subset (absent when the subset
     * is empty), and the best no-answer thresholds with the scores they give.
     */
    public record Result(double exact, double f1, int total, Optional<Subset> hasAns, Optional<Subset> noAns,
                         double bestExact, double bestExactThresh, double bestF1, double bestF1Thresh) {}

    /** Token F1 with v2.0's empty-answer rule ({@code compute_f1}). */
    public static double f1(String prediction, String gold) {
        List<String> pred = SquadText.tokens(prediction);
        List<String> goldTokens = SquadText.tokens(gold);
        if (pred.isEmpty() || goldTokens.isEmpty()) return pred.equals(goldTokens) ? 1 : 0;
        return Squad.tokenF1(pred, goldTokens);
    }

    /** Scores with no no-answer probabilities (all 0, threshold 1.0: the script's defaults). */
    public static Result evaluate(List<SquadQuestion> questions, Map<String, String> predictions) {
        return evaluate(questions, predictions, Map.of(), 1.0);
    }

    /**
     * Scores with per-question no-answer probabilities (missing ids count as 0) and the threshold
     * above which a question is taken as answered "no answer" ({@code --na-prob-thresh}).
     */
    public static Result evaluate(List<SquadQuestion> questions, Map<String, String> predictions,
                                  Map<String, Double> naProbs, double naProbThreshold) {
        if (questions == null || questions.isEmpty()) {
            throw new IllegalArgumentException("questions: got none, expected at least one");
        }
        if (predictions == null) throw new IllegalArgumentException("predictions: got null");
        if (naProbs == null) throw new IllegalArgumentException("naProbs: got null");
        int n = questions.size();
        double[] exactRaw = new double[n];
        double[] f1Raw = new double[n];
        double[] exactT = new double[n];
        double[] f1T = new double[n];
        double[] na = new double[n];
        boolean[] hasAns = new boolean[n];
        for (int i = 0; i < n; i++) {
            SquadQuestion q = questions.get(i);
            String pred = predictions.get(q.id());
            if (pred == null) throw new IllegalArgumentException("predictions: none for question " + q.id());
            hasAns[i] = !q.answers().isEmpty();
            List<String> golds = new ArrayList<>();
            for (String a : q.answers()) if (!SquadText.normalize(a).isEmpty()) golds.add(a);
            if (golds.isEmpty()) golds.add("");
            for (String g : golds) {
                exactRaw[i] = Math.max(exactRaw[i], Squad.exactMatch(pred, g) ? 1 : 0);
                f1Raw[i] = Math.max(f1Raw[i], f1(pred, g));
            }
            na[i] = naProbs.getOrDefault(q.id(), 0.0);
            boolean predNa = na[i] > naProbThreshold;
            exactT[i] = predNa ? (hasAns[i] ? 0 : 1) : exactRaw[i];
            f1T[i] = predNa ? (hasAns[i] ? 0 : 1) : f1Raw[i];
        }
        Subset all = subset(exactT, f1T, hasAns, null);
        double[] bestExact = bestThreshold(questions, predictions, exactRaw, na, hasAns);
        double[] bestF1 = bestThreshold(questions, predictions, f1Raw, na, hasAns);
        return new Result(all.exact(), all.f1(), all.total(), optional(subset(exactT, f1T, hasAns, true)),
                optional(subset(exactT, f1T, hasAns, false)), bestExact[0], bestExact[1], bestF1[0], bestF1[1]);
    }

    private static Optional<Subset> optional(Subset s) {
        return s.total() == 0 ? Optional.empty() : Optional.of(s);
    }

    private static Subset subset(double[] exact, double[] f1, boolean[] hasAns, Boolean want) {
        double e = 0;
        double f = 0;
        int total = 0;
        for (int i = 0; i < exact.length; i++) {
            if (want != null && hasAns[i] != want) continue;
            e += exact[i];
            f += f1[i];
            total++;
        }
        return total == 0 ? new Subset(0, 0, 0) : new Subset(100.0 * e / total, 100.0 * f / total, total);
    }

    // find_best_thresh: start from "answer nothing" (every NoAns question right), then admit the
    // questions in increasing no-answer probability; keep the best running score.
    private static double[] bestThreshold(List<SquadQuestion> questions, Map<String, String> predictions,
                                          double[] scores, double[] na, boolean[] hasAns) {
        int n = scores.length;
        double cur = 0;
        for (boolean h : hasAns) if (!h) cur++;
        double best = cur;
        double bestThresh = 0.0;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) order.add(i);
        order.sort(Comparator.comparingDouble(i -> na[i])); // stable, as Python's sorted
        for (int i : order) {
            double diff;
            if (hasAns[i]) diff = scores[i];
            else diff = predictions.get(questions.get(i).id()).isEmpty() ? 0 : -1;
            cur += diff;
            if (cur > best) {
                best = cur;
                bestThresh = na[i];
            }
        }
        return new double[] {100.0 * best / n, bestThresh};
    }
}
