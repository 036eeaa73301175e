package dev.lathe.eval.harness;

import java.util.List;

/**
 * A metric over line-aligned hypotheses and references, as {@code lathe score} and {@code lathe eval}
 * call it. {@code references} holds one list per reference stream (BLEU/chrF: several translations
 * of each line; SQuAD and ROUGE: several gold answers/targets per line), each as long as the
 * hypotheses. One metric may report several scores (ROUGE: one per type; SQuAD: EM and F1).
 */
public interface TextMetric {
    /** The name users pass to {@code --metric}/{@code --metrics}. */
    String id();

    /** Corpus-level scores. */
    List<MetricScore> score(List<String> hypotheses, List<List<String>> references);

    /** Checks that every reference stream is as long as the hypotheses. */
    static void checkAligned(List<String> hypotheses, List<List<String>> references) {
        if (references.isEmpty()) {
            throw new IllegalArgumentException("at least one reference stream is needed");
        }
        for (int r = 0; r < references.size(); r++) {
            if (references.get(r).size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + (r + 1) + " has " + references.get(r).size()
                        + " lines but there are " + hypotheses.size() + " hypotheses");
            }
        }
    }

    /** The references of line {@code i}, one per stream. */
    static List<String> referencesOf(List<List<String>> references, int i) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>(references.size());
        for (List<String> stream : references) {
            out.add(stream.get(i));
        }
        return out;
    }
}
