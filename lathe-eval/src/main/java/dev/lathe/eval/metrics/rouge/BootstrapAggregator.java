package dev.lathe.eval.metrics.rouge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Corpus-level ROUGE with bootstrap confidence intervals, as rouge-score's
 * {@code scoring.BootstrapAggregator} (which follows ROUGE-1.5.5): for each score type,
 * {@code nSamples} times draw as many per-pair scores as were added, uniformly with replacement,
 * and take the mean precision, recall and F of the draw; the interval is the
 * (1 - confidence)/2, 50 and 1 - (1 - confidence)/2 percentiles of those means (numpy's default
 * linear interpolation). {@code mid} is therefore close to, but not exactly, the plain mean.
 *
 * <p>The draws come from our own seeded generator, so intervals are reproducible run to run but
 * cannot equal rouge-score's, which draw from numpy's global random state; they agree in
 * distribution. Not thread-safe.
 */
public final class BootstrapAggregator {

    /** rouge-score's defaults. */
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final int DEFAULT_SAMPLES = 1000;
    public static final long DEFAULT_SEED = 42L;

    private final double confidenceInterval;
    private final int nSamples;
    private final long seed;
    private final Map<String, List<RougeScore>> scores = new LinkedHashMap<>();

    /** 95% intervals from 1000 resamples, seed {@value #DEFAULT_SEED}. */
    public BootstrapAggregator() {
        this(DEFAULT_CONFIDENCE, DEFAULT_SAMPLES, DEFAULT_SEED);
    }

    public BootstrapAggregator(double confidenceInterval, int nSamples, long seed) {
        if (!(confidenceInterval >= 0 && confidenceInterval <= 1)) {
            throw new IllegalArgumentException("confidenceInterval must be in range [0, 1], got "
                    + confidenceInterval);
        }
        if (nSamples <= 0) {
            throw new IllegalArgumentException("nSamples must be positive, got " + nSamples);
        }
        this.confidenceInterval = confidenceInterval;
        this.nSamples = nSamples;
        this.seed = seed;
    }

    /** Adds one sample: type name to score, e.g. the result of {@link RougeScorer#score}. */
    public void addScores(Map<String, RougeScore> sample) {
        if (sample == null) {
            throw new IllegalArgumentException("scores must not be null");
        }
        for (Map.Entry<String, RougeScore> e : sample.entrySet()) {
            if (e.getValue() == null) {
                throw new IllegalArgumentException(
                        "score for '" + e.getKey() + "' must not be null");
            }
            scores.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
    }

    /** How many scores were added for {@code type}. */
    public int count(String type) {
        List<RougeScore> l = scores.get(type);
        return l == null ? 0 : l.size();
    }

    /**
     * The interval of every type added so far, in the order types were first seen. Calling it
     * again gives the same result (the generator restarts from the seed for each call).
     */
    public Map<String, AggregateScore> aggregate() {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, AggregateScore> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<RougeScore>> e : scores.entrySet()) {
            result.put(e.getKey(), resample(e.getValue(), random));
        }
        return Collections.unmodifiableMap(result);
    }

    private AggregateScore resample(List<RougeScore> sample, SplittableRandom random) {
        int n = sample.size();
        double[] p = new double[n];
        double[] r = new double[n];
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = sample.get(i).precision();
            r[i] = sample.get(i).recall();
            f[i] = sample.get(i).fmeasure();
        }
        double[] meanP = new double[nSamples];
        double[] meanR = new double[nSamples];
        double[] meanF = new double[nSamples];
        for (int s = 0; s < nSamples; s++) {
            double sp = 0;
            double sr = 0;
            double sf = 0;
            for (int k = 0; k < n; k++) {
                int idx = random.nextInt(n);
                sp += p[idx];
                sr += r[idx];
                sf += f[idx];
            }
            meanP[s] = sp / n;
            meanR[s] = sr / n;
            meanF[s] = sf / n;
        }
        Arrays.sort(meanP);
        Arrays.sort(meanR);
        Arrays.sort(meanF);
        double delta = (1 - confidenceInterval) / 2;
        double[] q = {100 * delta, 100 * 0.5, 100 * (1 - delta)};
        RougeScore[] bounds = new RougeScore[3];
        for (int j = 0; j < 3; j++) {
            bounds[j] = new RougeScore(clamp(percentile(meanP, q[j])),
                    clamp(percentile(meanR, q[j])), clamp(percentile(meanF, q[j])));
        }
        return new AggregateScore(bounds[0], bounds[1], bounds[2]);
    }

    /** numpy.percentile(sorted, q) with the default 'linear' method. */
    static double percentile(double[] sorted, double q) {
        double virtual = (q / 100) * (sorted.length - 1);
        int below = (int) Math.floor(virtual);
        int above = Math.min(below + 1, sorted.length - 1);
        double t = virtual - below;
        double a = sorted[below];
        double b = sorted[above];
        double diff = b - a;
        // numpy's _lerp: interpolate from the nearer end, so that t = 1 gives b exactly
        return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
    }

    /** Means of values in [0, 1] can round a hair outside it. */
    private static double clamp(double v) {
        return Math.min(1.0, Math.max(0.0, v));
    }
}
