package dev.lathe.eval.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * A corpus-level score that can be recomputed on any multiset of the examples, which is what bootstrap
 * resampling needs: BLEU and chrF sum per-segment statistics, then score the sums; ROUGE and SQuAD
 * average per-example scores; perplexity divides summed NLL by summed tokens. {@link #score(int[])} takes
 * example indices, repeats allowed.
 */
public interface CorpusStatistic {
    /** Examples in the corpus. */
    int size();

    /** The corpus score of the examples at {@code indices} (a bootstrap resample when they repeat). */
    double score(int[] indices);

    /** The score of example {@code i} alone (sentence-level), used to find the examples that changed most. */
    double exampleScore(int i);

    /** The score of the whole corpus. */
    default double score() {
        int[] all = new int[size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return score(all);
    }

    /** The mean of per-example values (accuracy, SQuAD EM/F1, ROUGE F-measure), times {@code scale}. */
    static CorpusStatistic mean(double[] perExample, double scale) {
        Objects.requireNonNull(perExample, "perExample");
        double[] v = perExample.clone();
        return new CorpusStatistic() {
            @Override
            public int size() {
                return v.length;
            }

            @Override
            public double score(int[] indices) {
                if (indices.length == 0) {
                    return 0;
                }
                double sum = 0;
                for (int i : indices) {
                    sum += v[i];
                }
                return scale * sum / indices.length;
            }

            @Override
            public double exampleScore(int i) {
                return scale * v[i];
            }
        };
    }

    /**
     * Per-segment statistics that are summed before scoring (BLEU's n-gram counts, chrF's character
     * statistics): {@code corpus} scores a list of drawn segments (empty draws score 0), {@code single}
     * scores one segment on its own.
     */
    static <S> CorpusStatistic summed(List<S> segments, ToDoubleFunction<List<S>> corpus, ToDoubleFunction<S> single) {
        List<S> all = List.copyOf(segments);
        return new CorpusStatistic() {
            @Override
            public int size() {
                return all.size();
            }

            @Override
            public double score(int[] indices) {
                List<S> drawn = new ArrayList<>(indices.length);
                for (int i : indices) {
                    drawn.add(all.get(i));
                }
                return drawn.isEmpty() ? 0 : corpus.applyAsDouble(drawn);
            }

            @Override
            public double exampleScore(int i) {
                return single.applyAsDouble(all.get(i));
            }
        };
    }

    /**
     * {@code combine(sum of numerators, sum of denominators)} over the examples: perplexity is
     * {@code exp(sum NLL / sum tokens)}. Each example's own score is {@code combine(num[i], den[i])}.
     */
    static CorpusStatistic ratio(double[] numerators, double[] denominators, DoubleBinaryOperator combine) {
        if (numerators.length != denominators.length) {
            throw new IllegalArgumentException("numerators (" + numerators.length + ") and denominators ("
                    + denominators.length + ") differ in length");
        }
        double[] num = numerators.clone();
        double[] den = denominators.clone();
        return new CorpusStatistic() {
            @Override
            public int size() {
                return num.length;
            }

            @Override
            public double score(int[] indices) {
                double n = 0;
                double d = 0;
                for (int i : indices) {
                    n += num[i];
                    d += den[i];
                }
                return combine.applyAsDouble(n, d);
            }

            @Override
            public double exampleScore(int i) {
                return combine.applyAsDouble(num[i], den[i]);
            }
        };
    }
}
