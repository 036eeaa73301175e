package dev.lathe.eval.harness;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Bootstrap resampling over examples (Koehn 2004): confidence intervals of one system's corpus score,
 * and the paired test of two systems scored on the same examples. Every resample draws
 * {@code size} example indices with replacement from a {@link SplittableRandom} seeded with the given
 * seed, so the same seed gives the same numbers; the paired test uses the SAME indices for both
 * systems, which is what makes it paired.
 *
 * <p>Interval: the percentile interval of the resampled scores (as rouge-score's
 * BootstrapAggregator reports low/high), with their mean (sacreBLEU's "mu"). Paired p-value: the
 * resampled differences are centred on their mean (the null hypothesis of no difference), and p is
 * {@code (1 + #{|centred difference| >= |observed difference|}) / (1 + samples)}, two-sided. sacreBLEU
 * counts with a strict {@code >}, so a system compared with itself gets p = 1/(samples+1); Lathe
 * counts ties, so identical systems get p = 1 (no evidence of any difference), deliberately.
 */
public final class Bootstrap {
    /** sacreBLEU's default seed ({@code SACREBLEU_SEED}). */
    public static final long DEFAULT_SEED = 12345;
    public static final int DEFAULT_SAMPLES = 1000;
    public static final double DEFAULT_CONFIDENCE = 0.95;

    private Bootstrap() {}

    /**
     * A percentile confidence interval.
     *
     * @param score the corpus score on all examples
     * @param mean mean of the resampled scores
     * @param low lower percentile, {@code (1 - confidence) / 2}
     * @param high upper percentile, {@code (1 + confidence) / 2}
     */
    public record Interval(double score, double mean, double low, double high, double confidence, int samples,
            long seed) {}

    /**
     * The paired bootstrap test of {@code system} against {@code baseline}.
     *
     * @param delta {@code system - baseline} on all examples
     * @param pValue two-sided p-value of "no difference"
     */
    public record Paired(Interval baseline, Interval system, double delta, double pValue, int samples, long seed) {}

    /** The confidence interval of {@code stat}'s corpus score. */
    public static Interval interval(CorpusStatistic stat, int samples, double confidence, long seed) {
        check(samples, confidence);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] scores = new double[samples];
        int[] idx = new int[stat.size()];
        for (int s = 0; s < samples; s++) {
            draw(rng, idx);
            scores[s] = stat.score(idx);
        }
        return summarize(stat.score(), scores, confidence, samples, seed);
    }

    /** The paired test; both statistics must cover the same examples in the same order. */
    public static Paired paired(CorpusStatistic baseline, CorpusStatistic system, int samples, double confidence,
            long seed) {
        check(samples, confidence);
        if (baseline.size() != system.size()) {
            throw new IllegalArgumentException("paired bootstrap needs the same examples: baseline has "
                    + baseline.size() + ", system has " + system.size());
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] base = new double[samples];
        double[] sys = new double[samples];
        double[] diff = new double[samples];
        int[] idx = new int[baseline.size()];
        for (int s = 0; s < samples; s++) {
            draw(rng, idx);
            base[s] = baseline.score(idx);
            sys[s] = system.score(idx);
            diff[s] = sys[s] - base[s];
        }
        double baseScore = baseline.score();
        double sysScore = system.score();
        double observed = Math.abs(sysScore - baseScore);
        double meanDiff = Arrays.stream(diff).average().orElse(0);
        int atLeast = 0;
        for (double d : diff) {
            // A tiny tolerance so that identical systems (all differences 0 up to rounding) count as ties.
            if (Math.abs(d - meanDiff) >= observed - 1e-12) {
                atLeast++;
            }
        }
        double p = (atLeast + 1.0) / (samples + 1.0);
        return new Paired(summarize(baseScore, base, confidence, samples, seed),
                summarize(sysScore, sys, confidence, samples, seed), sysScore - baseScore, p, samples, seed);
    }

    private static void draw(SplittableRandom rng, int[] idx) {
        for (int i = 0; i < idx.length; i++) {
            idx[i] = rng.nextInt(idx.length);
        }
    }

    private static Interval summarize(double score, double[] scores, double confidence, int samples, long seed) {
        double[] sorted = scores.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
        double alpha = (1 - confidence) / 2;
        return new Interval(score, mean, percentile(sorted, alpha), percentile(sorted, 1 - alpha), confidence,
                samples, seed);
    }

    /** Linear interpolation between closest ranks (numpy's default percentile). */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static void check(int samples, double confidence) {
        if (samples < 1) {
            throw new IllegalArgumentException("bootstrap samples must be at least 1, got " + samples);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }
}
